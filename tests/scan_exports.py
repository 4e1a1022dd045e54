"""Small scan files written the way real apps write them (each layout from its public
documentation or source, quirks included): no header rows, `;` delimiters, two airodump
sections with padded values and -1 power, WiGLE's pre-header line, quoted ISO times, and the
Baidu document's own request example."""

import json
import math
import pathlib
import random
from datetime import datetime, timedelta

from simulator.baidu import SAMPLE_REQUEST

START = datetime(2024, 5, 1, 10, 0, 0)

# A one-AP-pair scan per row with a free-text note: the note is where hostile text goes.
NOTE_HEADER = "id,bts,macs,note\n"
NOTE_ROW = '{n},,"aa:bb:cc:00:00:{n:02x},-50,|aa:bb:cc:01:00:{n:02x},-60,",{note}\n'


def baidu_doc_example(path):
    """The seed document's three scans, as a one-row-per-scan file with the API's own columns."""
    bodies = json.loads(pathlib.Path(SAMPLE_REQUEST).read_text())["body"]
    columns = ["imei", "network", "cdma", "bts", "nearbts", "macs"]
    lines = [",".join(columns)]
    for body in bodies:
        lines.append(",".join('"' + str(body.get(c, "")).replace('"', '""') + '"' for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bodies


def cellmapper(path, rows=40, seed=3):
    """CellMapper's CSV export: no header; lat, lon, altitude, mcc, mnc, tac, cid, dBm, technology
    twice, channel, pci. A phone moving through Futian, Shenzhen."""
    rng = random.Random(seed)
    lines = []
    for n in range(rows):
        lat, lon = 22.5431 + n * 0.0004, 114.0578 + n * 0.0003
        tech = "LTE" if n % 5 else "GSM"
        cid = 125643777 + n // 3 if tech == "LTE" else 21297 + n
        lines.append(
            f"{lat:.8f},{lon:.8f},{rng.randint(5, 60)},460,0,{9520 + n // 10},{cid},{-70 - rng.randint(0, 40)},"
            f"{tech},{tech},{1650 if tech == 'LTE' else 96},{rng.randint(0, 503)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def netmonster_ntm(path):
    """NetMonster's NTM cell file: `;`, no header, tech;mcc;mnc;cid;lac;rnc/enb;psc/pci;lat;lon;
    location;arfcn, 2147483647 for unknown values."""
    unknown = 2147483647
    lines = [
        "4G;460;00;125643777;9520;490796;312;22.5431;114.0578;Futian CBD;1650",
        "4G;460;00;125643778;9520;490796;313;22.5433;114.0581;Futian CBD;1650",
        f"3G;460;01;21297934;4163;{unknown};{unknown};22.5502;114.0612;Lianhua;{unknown}",
        f"2G;460;00;8869;4189;;{unknown};22.5390;114.0550;Huaqiang;{unknown}",
        f"5G;460;00;6442450945;9530;;101;22.5420;114.0600;Civic Center;{unknown}",
        f"2G;460;00;8870;{unknown};;{unknown};22.5391;114.0551;lac unknown;{unknown}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


AIRODUMP_AP_HEADER = (
    "BSSID, First time seen, Last time seen, channel, Speed, Privacy, Cipher, Authentication, "
    "Power, # beacons, # IV, LAN IP, ID-length, ESSID, Key"
)
AIRODUMP_STATION_HEADER = "Station MAC, First time seen, Last time seen, Power, # packets, BSSID, Probed ESSIDs"


def airodump(path, aps=30, unknown_power=15, stations=4):
    """airodump-ng --output-format csv: a blank line, the AP section (values padded with a space
    after each comma, a trailing comma), a blank line, the station section. A capture standing in
    one place: every AP last seen in the final seconds; half of them with Power -1 (no reading)."""
    lines = ["", AIRODUMP_AP_HEADER]
    for n in range(aps):
        first = START + timedelta(seconds=n % 7)
        last = START + timedelta(minutes=5, seconds=28 + n % 3)
        power = -1 if n < unknown_power else -40 - n
        essid = f"AP-{n:02d}" if n % 4 else ""
        lines.append(
            f"70:BA:EF:D0:{n // 256:02X}:{n % 256:02X}, {first:%Y-%m-%d %H:%M:%S}, {last:%Y-%m-%d %H:%M:%S}, "
            f" 6, 130, WPA2, CCMP, PSK, {power:4d}, {800 + n:8d}, {0:8d},   0.  0.  0.  0, "
            f"{len(essid):3d}, {essid}, "
        )
    lines += ["", AIRODUMP_STATION_HEADER]
    for n in range(stations):
        lines.append(
            f"AA:BB:CC:00:00:{n:02X}, {START:%Y-%m-%d %H:%M:%S}, {START:%Y-%m-%d %H:%M:%S}, -60, "
            f"{25 + n:8d}, (not associated) , CMCC"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return aps, unknown_power


KISMET_HEADER = (
    "Network;NetType;ESSID;BSSID;Info;Channel;Cloaked;Encryption;Decrypted;MaxRate;MaxSeenRate;Beacon;LLC;"
    "Data;Crypt;Weak;Total;Carrier;Encoding;FirstTime;LastTime;BestQuality;BestSignal;BestNoise;"
    "GPSMinLat;GPSMinLon;GPSMinAlt;GPSMinSpd;GPSMaxLat;GPSMaxLon;GPSMaxAlt;GPSMaxSpd;GPSBestLat;"
    "GPSBestLon;GPSBestAlt;DataSize;IPType;IP;"
)


def kismet(path, written_by_airodump=False, aps=8):
    """Kismet's .csv network log: `;` with a trailing `;`, ctime dates. Kismet writes the signal in
    BestSignal and GPS in GPSBest*; airodump-ng writes the power in BestQuality, 0 in BestSignal
    and zeros for GPS."""
    lines = [KISMET_HEADER]
    when = START + timedelta(minutes=3)
    for n in range(aps):
        last = (when + timedelta(seconds=n % 3)).strftime("%a %b %d %H:%M:%S %Y")
        first = START.strftime("%a %b %d %H:%M:%S %Y")
        power = -45 - 3 * n
        quality, signal, noise = (power, 0, 0) if written_by_airodump else (0, power, -98)
        lat, lon = (0.0, 0.0) if written_by_airodump else (22.5431 + n * 1e-5, 114.0578 + n * 1e-5)
        lines.append(
            f"{n + 1};infrastructure;Shop{n};6C:5A:B0:1B:E2:{n:02X};;6;No;WPA2,AES-CCM;No;360.0;0;17;0;3;0;0;3;"
            f";;{first};{last};{quality};{signal};{noise};{lat:.6f};{lon:.6f};0.000000;0.000000;{lat:.6f};"
            f"{lon:.6f};0.000000;0.000000;{lat:.6f};{lon:.6f};0.000000;0;0;0.0.0.0;"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return aps


TOWER_COLLECTOR_HEADER = (
    "mcc,mnc,lac,cell_id,psc,asu,dbm,ta,lat,lon,accuracy,speed,bearing,altitude,measured_at,net_type,neighboring,device"
)


# Tower Collector's current export (40 columns): the 18 above and the cell ids, times and radio
# measurements later versions added (short_cell_id, rnc, discovered_at, rsrp … arfcn), in an order
# of their own; the reader must find its columns by name.
TOWER_COLLECTOR_CURRENT_HEADER = (
    "mcc,mnc,lac,cell_id,short_cell_id,rnc,psc,asu,dbm,ta,lat,lon,accuracy,speed,bearing,altitude,measured_at,"
    "discovered_at,net_type,neighboring,device,rsrp,rsrq,rssi,rssnr,cqi,rscp,ec_no,csi_rsrp,csi_rsrq,csi_sinr,"
    "ss_rsrp,ss_rsrq,ss_sinr,cdma_dbm,cdma_ecio,evdo_dbm,evdo_ecio,evdo_snr,arfcn"
)


def tower_collector(path, measurements=10, current=False):
    """Tower Collector's CSV export: CRLF, one row per cell of a measurement (the serving cell
    `neighboring=false`, neighbours `true`), a quoted ISO time in UTC, empty for unknown values.
    ``current``: the 40-column layout of its later versions."""
    lines = [TOWER_COLLECTOR_CURRENT_HEADER if current else TOWER_COLLECTOR_HEADER]
    rows = 0
    for m in range(measurements):
        when = (START + timedelta(seconds=30 * m)).strftime('"%Y-%m-%dT%H:%M:%S.000Z"')
        lat, lon = 22.5431 + m * 0.0005, 114.0578 + m * 0.0004
        cells = [
            (9520, 125643777 + m, -85 - m, "false"),
            (9520, 125643900 + m, -101, "true"),
            (9521, 125644000 + m, "", "true"),
        ]
        for lac, cid, dbm, neighbour in cells:
            asu = "" if dbm == "" else 140 + dbm
            if current:
                found = (START + timedelta(seconds=30 * m - 600)).strftime('"%Y-%m-%dT%H:%M:%S.000Z"')
                lines.append(
                    f"460,0,{lac},{cid},{cid % 256},{cid // 256},,{asu},{dbm},,{lat:.8f},{lon:.8f},4,1.2,90,31,"
                    f'{when},{found},LTE,{neighbour},"Xiaomi M2012K11AC",{dbm},-11,,7,,,,,,,,,,,,,,,1825'
                )
            else:
                lines.append(
                    f"460,0,{lac},{cid},,{asu},{dbm},,{lat:.8f},{lon:.8f},4,1.2,90,"
                    f'31,{when},LTE,{neighbour},"Xiaomi M2012K11AC"'
                )
            rows += 1
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return rows


WIGLE14_PRE = (
    "WigleWifi-1.4,appRelease=2.26,model=Pixel 4a,release=11,device=sunfish,display=RQ3A,board=sunfish,brand=google"
)
WIGLE14_HEADER = (
    "MAC,SSID,AuthMode,FirstSeen,Channel,RSSI,CurrentLatitude,CurrentLongitude,AltitudeMeters,AccuracyMeters,Type"
)


def _offset(lat, lon, east_m, north_m):
    return lat + north_m / 111_320.0, lon + east_m / (111_320.0 * math.cos(math.radians(lat)))


def wigle_walk(path, seconds=900, seed=7, speed_mps=1.4, scan_every_s=2, with_hsdpa=True):
    """A WiGLE 1.4 export of a walk through a dense street: one row per AP (and cell) with the
    second it was FIRST seen and the phone's GPS at that moment, written in that order. Access
    points line the street every few metres; one is heard when within ~45 m. Cells change every
    few hundred metres; Bluetooth devices are heard on the way. Returns the number of data rows."""
    rng = random.Random(seed)
    lat0, lon0 = 22.5431, 114.0578
    aps = []
    along = 0.0
    while along < speed_mps * seconds + 100:
        along += rng.expovariate(1 / 6.0)
        aps.append(
            (
                along,
                rng.uniform(-25, 25),
                "%02x:%02x:%02x:%02x:%02x:%02x"
                % tuple(rng.randrange(256) & (0xFC if k == 0 else 0xFF) for k in range(6)),
                f"net{len(aps)}",
            )
        )
    seen = set()
    rows = [WIGLE14_PRE, WIGLE14_HEADER]
    cell_seen = set()
    for t in range(0, seconds, scan_every_s):
        t_real = t + rng.choice((0, 0, 1))  # scans drift by a second
        x = speed_mps * t_real
        lat, lon = _offset(lat0, lon0, x, 0)
        when = (START + timedelta(seconds=t_real)).strftime("%Y-%m-%d %H:%M:%S")
        for along_ap, across, mac, ssid in aps:
            distance = math.hypot(along_ap - x, across)
            if distance < 45 and mac not in seen and rng.random() < 0.8:
                seen.add(mac)
                rssi = int(-35 - 25 * math.log10(max(1.0, distance)) - rng.uniform(0, 8))
                rows.append(
                    f"{mac},{ssid},[WPA2-PSK-CCMP][ESS],{when},{rng.choice((1, 6, 11, 36))},{rssi},"
                    f"{lat:.7f},{lon:.7f},{rng.randint(5, 30)},{rng.randint(3, 12)},WIFI"
                )
        cell = int(x // 250)
        if cell not in cell_seen:
            cell_seen.add(cell)
            radio = "HSDPA" if with_hsdpa and cell % 3 == 2 else "LTE"
            mnc = "01" if radio == "HSDPA" else "00"
            rows.append(
                f"460{mnc}_{9520 + cell}_{125643777 + cell},China Mobile,{radio};460{mnc},{when},0,"
                f"{-80 - rng.randint(0, 20)},{lat:.7f},{lon:.7f},20,8,{radio}"
            )
        if rng.random() < 0.05:
            rows.append(f"{rng.randrange(1 << 48):012x},Buds,Misc [BLE],{when},0,-80,{lat:.7f},{lon:.7f},20,8,BLE")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 2
