"""Write the demo's sample inputs into demo/data/ (run once; the files are committed).

Everything here is made up: a walk through Shenzhen's Nanshan science park, WiFi access points and
cell towers placed along it, and scan files in every shape the plugin reads. ``simulator_truth.json``
tells the Baidu simulator where those access points and towers are, so that located scans land
near the walk, as they would with the real service. Deterministic: the same files every run.
"""

import json
import math
import pathlib
import random

OUT = pathlib.Path(__file__).resolve().parent / "data"
CENTRE = (113.9455, 22.5405)  # Nanshan science park, WGS84
rng = random.Random(20251123)


def offset(lng, lat, east_m, north_m):
    return (lng + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 110_540)


def distance_m(a, b):
    dx = (a[0] - b[0]) * 111_320 * math.cos(math.radians(a[1]))
    return math.hypot(dx, (a[1] - b[1]) * 110_540)


APS = []
for i in range(160):
    position = offset(*CENTRE, rng.uniform(-900, 900), rng.uniform(-700, 700))
    mac = "5c:63:bf:%02x:%02x:%02x" % (i // 256, i % 256, rng.randrange(256))
    APS.append(
        {
            "mac": mac,
            "ssid": rng.choice(
                ["ChinaNet", "CMCC-WEB", "TP-LINK", "Tenda", "Xiaomi", "HUAWEI", "Starbucks", "KFC-Free"]
            )
            + f"-{i:03d}",
            "pos": position,
        }
    )
CELLS = [
    {
        "mcc": 460,
        "mnc": 0 if i % 2 == 0 else 1,
        "lac": 9500 + i // 4,
        "ci": 131_000_000 + 17 * i,
        "pos": offset(*CENTRE, rng.uniform(-1200, 1200), rng.uniform(-1000, 1000)),
    }
    for i in range(16)
]


def walk(n, seed_offset=0):
    """n scan positions along a meandering walk with one scan every ~40 m."""
    lng, lat = offset(*CENTRE, -700 + 30 * seed_offset, -500 + 20 * seed_offset)
    heading = rng.uniform(0, 2 * math.pi)
    points = []
    for _ in range(n):
        heading += rng.uniform(-0.6, 0.6)
        lng, lat = offset(lng, lat, 40 * math.cos(heading), 40 * math.sin(heading))
        lng = min(max(lng, CENTRE[0] - 0.008), CENTRE[0] + 0.008)
        lat = min(max(lat, CENTRE[1] - 0.006), CENTRE[1] + 0.006)
        points.append((round(lng, 6), round(lat, 6)))
    return points


def rssi(distance):
    return int(max(-95, min(-30, -40 - 25 * math.log10(max(distance, 1) / 5) + rng.uniform(-4, 4))))


def heard(point, k=4):
    """The k strongest access points and the serving + neighbour cells at ``point``."""
    aps = sorted(APS, key=lambda ap: distance_m(point, ap["pos"]))[:k]
    cells = sorted(CELLS, key=lambda c: distance_m(point, c["pos"]))[:2]
    return (
        [(ap, rssi(distance_m(point, ap["pos"]))) for ap in aps],
        [(c, rssi(distance_m(point, c["pos"]) / 20)) for c in cells],
    )


def bts(cell, level):
    return f"{cell['mcc']},{cell['mnc']},{cell['lac']},{cell['ci']},{level}"


def baidu_gbk(path):
    """Shape A in GBK with Chinese headers, as Chinese Excel saves it; a few rows are bad on purpose."""
    lines = ["编号,采集时间,bts,nearbts,macs,经度,纬度,备注"]
    for n, point in enumerate(walk(36), start=1):
        aps, cells = heard(point)
        macs = "|".join(f"{ap['mac']},{level},{ap['ssid']}" for ap, level in aps)
        note = "正常"
        serving, near = bts(*cells[0]), bts(*cells[1])
        if n == 7:
            macs, serving, near, note = aps[0][0]["mac"] + ",-50,", "", "", "只有一个WiFi（无效）"
        elif n == 13:
            macs, serving, near, note = "", "", "", "空扫描（无效）"
        elif n == 21:
            macs, note = "00:00:00:00:00:00,-40,|ff:ff:ff:ff:ff:ff,-45,", "广播地址被丢弃，仅基站"
        elif n in (29, 30):
            unknown = "|".join(f"0e:{n:02x}:00:00:00:{k:02x},-70,Unknown" for k in range(3))
            macs, serving, near, note = unknown, "", "", "服务无结果（模拟）"
        lines.append(f'{n},2025-04-18 10:{n:02d}:00,"{serving}","{near}","{macs}",{point[0]},{point[1]},{note}')
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def wigle(path):
    """WiGLE WiFi 1.6: one row per observation; a scan is the rows of one second."""
    lines = [
        "WigleWifi-1.6,appRelease=2.70,model=Pixel 7,release=14,device=panther,display=TQ3A,"
        "board=panther,brand=google,star=Sol,body=3,subBody=0",
        "MAC,SSID,AuthMode,FirstSeen,Channel,Frequency,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,"
        "AccuracyMeters,RCOIs,MfgrId,Type",
    ]
    for n, point in enumerate(walk(24, 3)):
        aps, cells = heard(point)
        when = f"2025-04-18 11:{n // 2:02d}:{(n % 2) * 30:02d}"
        for ap, level in aps:
            lines.append(
                f"{ap['mac'].upper()},{ap['ssid']},[WPA2-PSK-CCMP][ESS],{when},6,2437,{level},"
                f"{point[1]},{point[0]},12,4,,,WIFI"
            )
        for cell, level in cells:
            mccmnc = f"{cell['mcc']}{cell['mnc']:02d}"
            lines.append(
                f"{mccmnc}_{cell['lac']}_{cell['ci']},,LTE;{mccmnc},{when},1850,0,{level},"
                f"{point[1]},{point[0]},12,4,,,LTE"
            )
        lines.append(f"aa:bb:cc:00:{n:02x}:01,Band,[BLE],{when},0,0,-80,{point[1]},{point[0]},12,4,,,BLE")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def gmon(path):
    """G-MoN WLAN export: ';'-separated, no header, one row per access point; a scan is one timestamp."""
    lines = []
    for n, point in enumerate(walk(20, 6)):
        aps, _ = heard(point, 3)
        for ap, level in aps:
            lines.append(
                f"{ap['mac'].upper()};{point[1]};{point[0]};{ap['ssid']};WPA2;100;Infrastructure;6;"
                f"{level};2025/04/18;12:{n:02d}:00"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def network_survey(path):
    """Network Survey (Android) LTE CSV: serving + neighbour cell rows, grouped by groupNumber."""
    lines = [
        "# Network Survey LTE export, simulated for the CrowdHeat demo",
        "deviceTime,latitude,longitude,altitude,speed,accuracy,missionId,recordNumber,groupNumber,mcc,mnc,tac,"
        "eci,earfcn,pci,rsrp,rsrq,ta,servingCell,lteBandwidth,provider,signalStrength,cqi,slot,snr,"
        "deviceSerialNumber,locationAge",
    ]
    record = 0
    for n, point in enumerate(walk(15, 9), start=1):
        _, cells = heard(point)
        for k, (cell, level) in enumerate(cells):
            record += 1
            lines.append(
                f"{1744948800000 + 60000 * n},{point[1]},{point[0]},15,1.2,5,demo,{record},{n},"
                f"{cell['mcc']},{cell['mnc']},{cell['lac']},{cell['ci']},1850,{100 + k},{level - 30},-10,,"
                f"{'true' if k == 0 else 'false'},20,CMCC,,,,,demo-phone,0"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def cellmapper(path):
    """CellMapper's CSV export: no header row; lat, lon, altitude, mcc, mnc, tac, cid, dBm, the
    technology twice, channel, pci. One serving cell per row with the phone's GPS."""
    lines = []
    for point in walk(18, 12):
        _, cells = heard(point)
        cell, level = cells[0]
        lines.append(
            f"{point[1]:.8f},{point[0]:.8f},{rng.randint(8, 40)},{cell['mcc']},{cell['mnc']},{cell['lac']},"
            f"{cell['ci']},{level - 40},LTE,LTE,1650,{rng.randint(0, 503)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def airodump(path):
    """airodump-ng CSV of a survey at two spots, five minutes each (no GPS: airodump writes it to
    other files). The AP section lists each AP once with its last time seen and Power (-1 when the
    driver gave no reading), strongest first; then the station section."""
    rows = []
    for spot, point in enumerate(walk(2, 15)):
        for k, (ap, level) in enumerate(heard(point, 10)[0]):
            power = -1 if k % 3 == 2 else level
            rows.append((power, ap, f"2025-04-18 13:{5 * spot:02d}:00", f"2025-04-18 13:{5 * spot + 4:02d}:5{k % 3}"))
    lines = [
        "",
        "BSSID, First time seen, Last time seen, channel, Speed, Privacy, Cipher, Authentication, Power, "
        "# beacons, # IV, LAN IP, ID-length, ESSID, Key",
    ]
    for power, ap, first, last in sorted(rows, key=lambda row: -row[0] if row[0] != -1 else 999):
        lines.append(
            f"{ap['mac'].upper()}, {first}, {last},  6, 130, WPA2, CCMP, PSK, {power:4d}, "
            f"{300 + len(lines):8d}, "
            f"{0:8d},   0.  0.  0.  0, {len(ap['ssid']):3d}, {ap['ssid']}, "
        )
    lines += [
        "",
        "Station MAC, First time seen, Last time seen, Power, # packets, BSSID, Probed ESSIDs",
        "AA:BB:CC:00:00:01, 2025-04-18 13:00:00, 2025-04-18 13:05:00, -60,       25, (not associated) , CMCC",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def utm50n(lng, lat):
    """WGS84 to UTM zone 50N (EPSG:32650), Krüger series: sub-millimetre here, no pyproj needed."""
    a, f, k0, lon0 = 6378137.0, 1 / 298.257223563, 0.9996, math.radians(117)
    n = f / (2 - f)
    A = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = [n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16, 13 * n**2 / 48 - 3 * n**3 / 5, 61 * n**3 / 240]
    phi, lam = math.radians(lat), math.radians(lng) - lon0
    e = math.sqrt(f * (2 - f))
    t = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi, eta = math.atan2(t, math.cos(lam)), math.atanh(math.sin(lam) / math.sqrt(1 + t * t))
    x = eta + sum(alpha[j] * math.cos(2 * (j + 1) * xi) * math.sinh(2 * (j + 1) * eta) for j in range(3))
    y = xi + sum(alpha[j] * math.sin(2 * (j + 1) * xi) * math.cosh(2 * (j + 1) * eta) for j in range(3))
    return round(500000 + k0 * A * x, 2), round(k0 * A * y, 2)


def block_layers():
    names = ["科技园北区 Science Park North", "深南大道 Shennan Blvd block", "高新南 High-tech South"]
    corners = [(-450, 150, 300, 260), (-100, -250, 380, 220), (300, -80, 260, 300)]
    features = []
    for fid, (name, (east, north, width, height)) in enumerate(zip(names, corners), start=1):
        ring = [
            offset(*CENTRE, east + dx, north + dy)
            for dx, dy in ((0, 0), (width, 0), (width, height), (0, height), (0, 0))
        ]
        features.append((fid, name, ring))
    wgs = {
        "type": "FeatureCollection",
        "name": "shenzhen_block",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Nanshan science park block (demo fence)"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            list(p)
                            for p in [
                                offset(*CENTRE, -300, -250),
                                offset(*CENTRE, 300, -250),
                                offset(*CENTRE, 300, 250),
                                offset(*CENTRE, -300, 250),
                                offset(*CENTRE, -300, -250),
                            ]
                        ]
                    ],
                },
            }
        ],
    }
    (OUT / "shenzhen_block.geojson").write_text(json.dumps(wgs, ensure_ascii=False, indent=1), encoding="utf-8")
    utm = {
        "type": "FeatureCollection",
        "name": "park_blocks_utm50n",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32650"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"block_id": fid, "name": name},
                "geometry": {"type": "Polygon", "coordinates": [[list(utm50n(*p)) for p in ring]]},
            }
            for fid, name, ring in features
        ],
    }
    (OUT / "park_blocks_utm50n.geojson").write_text(json.dumps(utm, ensure_ascii=False, indent=1), encoding="utf-8")


def main():
    OUT.mkdir(exist_ok=True)
    block_layers()
    baidu_gbk(OUT / "scans_baidu_gbk.csv")
    wigle(OUT / "scans_wigle16.csv")
    gmon(OUT / "scans_gmon.txt")
    network_survey(OUT / "scans_network_survey_lte.csv")
    cellmapper(OUT / "scans_cellmapper.csv")
    airodump(OUT / "scans_airodump-01.csv")
    truth = {
        "note": "Simulated positions of the demo's access points and cells (WGS84), for the Baidu simulator.",
        "known_aps": {ap["mac"]: [round(v, 6) for v in ap["pos"]] for ap in APS},
        "known_cells": {f"{c['mcc']},{c['mnc']},{c['lac']},{c['ci']}": [round(v, 6) for v in c["pos"]] for c in CELLS},
        "not_found_macs": [f"0e:{n:02x}:00:00:00:{k:02x}" for n in (29, 30) for k in range(3)],
    }
    (OUT / "simulator_truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
