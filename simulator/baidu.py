"""Simulator of Baidu's POST /locapi/v2 (hardware positioning).

- The seed document's three-scan request gets the seed's sample response verbatim.
- Otherwise: at most ``max_batch`` bodies (101 beyond, as the error table says), AK checked
  (601/700; 700 echoes the key, as Baidu's message does), optional SN check (711), a daily
  quota (802) and a rate (901) counted over any sliding second (requests served, not refused).
- Scan times (``bts_time``, ``wifi_s_time``, ``wifi_e_time``), when sent, must be epoch seconds
  with the WiFi start not after its end, else the request is 103 "param error".
- A scan is not located (error -1) when WiFi-only with fewer than 2 usable APs (a MAC and a
  whole-number RSSI, each MAC once), or when its serving cell's lac/cellid are not known.
- Each scan is answered in the requested system (BD09LL by default, GCJ02 on request) inside
  China, and in WGS84 outside (mcc ≠ 460), like the service. Positions come from ``known_aps``
  / ``known_cells`` (WGS84) when the scan has them, else from a hash of the scan.
- Faults (see ``server.GENERIC_FAULTS``) plus ``errcode:<n>``, ``result_error`` (first result
  error -1), ``drop_result`` (a result missing) and ``reorder`` (results reversed).
"""

import hashlib
import json
import pathlib
import re
import threading
import time
from collections import deque
from urllib.parse import parse_qs, urlsplit

from plugin.core import coords
from plugin.core.baidu import sign

from .server import Simulator

DATA = pathlib.Path(__file__).resolve().parent / "data"
SAMPLE_REQUEST = DATA / "baidu-locapi-request.sample.json"
SAMPLE_RESPONSE = DATA / "baidu-locapi-response.sample.json"
AK = "sim-baidu-ak-not-a-secret"
MESSAGES = {
    101: "Missing field : body (size should > 0 && < 3)",
    102: "Request is empty",
    103: "param error",
    104: "Unexpected err, please contact with us",
    601: "Failed to authenticate for lack of AK",
    700: "Failed to authenticate for invaid AK : {key}",
    710: "Failed to authenticate for invaid IP : 127.0.0.1",
    711: "APP SN校验失败",
    802: "Failed to authenticate for exceeding daily quota({quota})",
    901: "Failed to authenticate for exceeding concurrency({rate})",
}
# Where hashed positions fall: Shenzhen (China) and Bandung (outside).
CHINA_AREA = (113.85, 22.50, 114.15, 22.65)
ABROAD_AREA = (107.55, -6.98, 107.68, -6.88)


def _unit(text, salt):
    return int.from_bytes(hashlib.sha1(f"{salt}:{text}".encode()).digest()[:6], "big") / float(1 << 48)


_AP = re.compile(r"([0-9a-f]{2}:){5}[0-9a-f]{2},-?\d+,.*\Z")


def _macs(body):
    """The distinct access points of a scan the service can use: a MAC and a whole-number RSSI."""
    macs = []
    for entry in str(body.get("macs", "")).split("|"):
        if _AP.match(entry.strip().lower()):
            mac = entry.strip().split(",")[0].lower()
            if mac not in macs:
                macs.append(mac)
    return macs


def _times_problem(body):
    """What is wrong with a body's scan times (the current page's optional fields), or ''. Taken as
    epoch seconds, like ctime: ten digits, a WiFi scan not ending before it starts."""
    times = {k: body[k] for k in ("bts_time", "wifi_s_time", "wifi_e_time") if k in body}
    for name, value in times.items():
        if not re.fullmatch(r"\d{10}", str(value)):
            return f"{name} {value!r} is not a timestamp"
    if "wifi_s_time" in times and "wifi_e_time" in times and int(times["wifi_s_time"]) > int(times["wifi_e_time"]):
        return "wifi_s_time after wifi_e_time"
    return ""


def _serving_cell_known(bts):
    """lac and cellid must be given for the serving cell (the document); CDMA: sid, nid, bid."""
    parts = bts.split(",")
    try:
        ids = [int(p) for p in (parts[:3] if len(parts) == 6 else parts[2:4])]
    except ValueError:
        return False
    return len(parts) in (5, 6) and all(v >= 0 for v in ids)


class BaiduSimulator(Simulator):
    name = "baidu-simulator"

    def __init__(self, ak=AK, sk="", max_batch=2, daily_quota=None, rate_limit=None, **kwargs):
        super().__init__(**kwargs)
        # known_aps: mac -> (lng, lat) WGS84; known_cells: "mcc,mnc,lac,cellid" -> (lng, lat) WGS84
        self._settings(
            ak=ak,
            sk=sk,
            max_batch=max_batch,
            daily_quota=daily_quota,
            rate_limit=rate_limit,
            known_aps={},
            known_cells={},
            not_found_macs=set(),
        )
        self.used = 0
        self.bodies_answered = 0
        self.throttled = 0
        self._served = deque()  # arrival times of the requests served in the last second
        self._count_lock = threading.Lock()
        self.sample_request = json.loads(SAMPLE_REQUEST.read_text())
        self.sample_bytes = SAMPLE_RESPONSE.read_bytes()

    def learn(self, truth_path):
        """Where access points and cells are (a JSON like demo/data/simulator_truth.json), so that
        scans hearing them are located near them, as the real service would."""
        truth = json.loads(pathlib.Path(truth_path).read_text(encoding="utf-8"))
        self.known_aps.update({mac.lower(): tuple(p) for mac, p in truth.get("known_aps", {}).items()})
        self.known_cells.update({key: tuple(p) for key, p in truth.get("known_cells", {}).items()})
        self.not_found_macs.update(mac.lower() for mac in truth.get("not_found_macs", []))

    def clear(self):
        super().clear()
        with self._count_lock:
            self.used = 0
            self.bodies_answered = 0
            self.throttled = 0
            self._served.clear()

    def answer(self, path, headers, body, fault=None):
        if urlsplit(path).path.rstrip("/") != "/locapi/v2":
            return 404, b"<html>404 Not Found</html>"
        try:
            request = json.loads(body)
        except ValueError:
            return 200, _reply(103, "param error: body is not JSON")
        if fault and fault.startswith("errcode:"):
            code = int(fault[8:])
            return 200, _reply(code, MESSAGES.get(code, "simulated").format(key=request.get("key"), quota=0, rate=0))
        # The key in the JSON (the seed document) or in the URL's query (Baidu's current page).
        raw_query = urlsplit(path).query
        query = parse_qs(raw_query)
        key = request.get("key") or query.get("key", [""])[0]
        if not key:
            return 200, _reply(601, MESSAGES[601])
        if key != self.ak:
            return 200, _reply(700, MESSAGES[700].format(key=key))
        if self.sk:  # the SN signs the query before it (the general rule of Baidu's web APIs)
            if query.get("sn", [""])[0] != sign("/locapi/v2", raw_query.rsplit("&sn=", 1)[0], self.sk):
                return 200, _reply(711, MESSAGES[711])
        bodies = request.get("body")
        if not isinstance(bodies, list) or not bodies:
            return 200, _reply(102, MESSAGES[102])
        if dict(request, key=self.sample_request["key"]) == self.sample_request:
            return 200, self.sample_bytes
        if len(bodies) > self.max_batch:
            return 200, _reply(101, MESSAGES[101])
        bad_times = next((why for why in map(_times_problem, bodies) if why), "")
        if bad_times:
            return 200, _reply(103, f"param error: {bad_times}")
        with self._count_lock:
            if self.daily_quota is not None and self.used >= self.daily_quota:
                return 200, _reply(802, MESSAGES[802].format(quota=self.daily_quota))
            if self.rate_limit is not None:
                # Strict: requests served in ANY sliding second, not per calendar second.
                now = time.monotonic()
                while self._served and now - self._served[0] >= 1.0:
                    self._served.popleft()
                if len(self._served) >= self.rate_limit:
                    self.throttled += 1
                    return 200, _reply(901, MESSAGES[901].format(rate=self.rate_limit))
                self._served.append(now)
            self.used += 1
            self.bodies_answered += len(bodies)
        results = [self.locate(b) for b in bodies]
        if fault == "result_error":
            results[0] = {"type": 0, "error": -1, "ctime": results[0]["ctime"]}
        elif fault == "drop_result":
            results.pop()
        elif fault == "reorder":
            results.reverse()
        return 200, json.dumps({"errcode": 0, "msg": "Query success.", "body": results}, ensure_ascii=False).encode(
            "utf-8"
        )

    def locate(self, body):
        ctime = str(body.get("ctime", ""))
        macs = _macs(body)
        bts = str(body.get("bts", ""))
        access = int(body.get("accesstype", -1))
        if (access == 1 and len(macs) < 2) or (access == 0 and not _serving_cell_known(bts)) or access not in (0, 1):
            return {"type": 0, "error": -1, "ctime": ctime}
        if macs and set(macs) <= self.not_found_macs:
            return {"type": 0, "error": -1, "ctime": ctime}
        abroad = access == 0 and not bts.startswith("460,") and bts.split(",")[0] not in ("-1", "")
        known = [self.known_aps[m] for m in macs if m in self.known_aps]
        cell_key = ",".join(bts.split(",")[:4])
        if not known and cell_key in self.known_cells:
            known = [self.known_cells[cell_key]]
        seed = "|".join(macs) or bts
        if known:
            lng = sum(p[0] for p in known) / len(known) + (_unit(seed, "x") - 0.5) * 0.0004
            lat = sum(p[1] for p in known) / len(known) + (_unit(seed, "y") - 0.5) * 0.0004
            kind, radius = (2 if macs else 4), 25 + int(_unit(seed, "r") * 40)
        else:
            area = ABROAD_AREA if abroad else CHINA_AREA
            lng = area[0] + _unit(seed, "x") * (area[2] - area[0])
            lat = area[1] + _unit(seed, "y") * (area[3] - area[1])
            kind, radius = (3 if macs and bts else 2 if macs else 4), 30 + int(_unit(seed, "r") * 400)
        outside = abroad or not coords.in_china(lng, lat)
        system = (
            coords.WGS84 if outside else (coords.GCJ02 if str(body.get("coor", "")).upper() == "GCJ02" else coords.BD09)
        )
        out_lng, out_lat = coords.convert(lng, lat, coords.WGS84, system)
        result = {
            "type": kind,
            "location": f"{out_lng:.6f},{out_lat:.6f}",
            "radius": radius,
            "ctime": ctime,
            "indoor": "1" if _unit(seed, "i") < 0.3 else "0",
            "error": 0,
        }
        if body.get("need_rgc", "N") == "Y":
            if outside:
                result.update(
                    country="Indonesia",
                    province="Jawa Barat",
                    city="Bandung City",
                    citycode="34544",
                    district="",
                    road="Jalan Sriwijaya",
                )
            else:
                result.update(
                    country="中国",
                    province="广东省",
                    city="深圳市",
                    citycode="340",
                    district="南山区",
                    road=f"科技园路{1 + int(_unit(seed, 'n') * 99)}号",
                )
        if result["indoor"] == "1" and _unit(seed, "b") < 0.5:
            result.update(bldg="szkjy", bldgid="1266783613064577023", bldgname="科技园大厦", floor="f3")
        return result


def _reply(code, msg):
    return json.dumps({"errcode": code, "msg": msg}, ensure_ascii=False).encode("utf-8")
