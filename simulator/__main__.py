"""Serve both simulators until interrupted: ``python -m simulator [--jike-port 8765] [--baidu-port 8766]``.

Used by ``make run``; the demo's access points and cells are loaded, so the demo's scan files are
located near their walk. The values to give CrowdHeat are printed (as environment variables).
"""

import argparse
import pathlib
import time

from .baidu import AK, BaiduSimulator
from .jike import TOKEN, JikeSimulator

TRUTH = pathlib.Path(__file__).resolve().parents[1] / "demo" / "data" / "simulator_truth.json"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jike-port", type=int, default=8765)
    parser.add_argument("--baidu-port", type=int, default=8766)
    args = parser.parse_args()
    with JikeSimulator(port=args.jike_port) as jike, BaiduSimulator(port=args.baidu_port) as baidu:
        if TRUTH.exists():
            baidu.learn(TRUTH)
        print(f"CROWDHEAT_JIKE_URL={jike.url} CROWDHEAT_JIKE_TOKEN={TOKEN}")
        print(f"CROWDHEAT_BAIDU_URL={baidu.url}/locapi/v2 CROWDHEAT_BAIDU_AK={AK}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
