<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>CrowdHeat</name>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="25" />
      <source>Add crowd heat to an archive</source>
      <translation>将人群热力加入存档</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="28" />
      <source>Fetches the last 10 days of hourly crowd heat for the polygons (as 'Crowd heat for polygons') and adds them to an archive: one table (GeoPackage or PostgreSQL) with one row per S2 cell and date, which grows run after run. A cell-day the archive lacks is added, one answered alike is left alone, one the service now answers differently replaces the old numbers (its revisions are counted). An archive keeps one set of features at one level: another run is refused. Outputs the counts ADDED, UNCHANGED, REVISED (cell-days) and GAP_DAYS, the dates inside the archive's span with no data (runs more than 10 days apart leave gaps).</source>
      <translation>为多边形获取最近 10 天的逐小时人群热力(同“多边形人群热力”),并加入存档:一张表(GeoPackage 或 PostgreSQL),每个 S2 网格每个日期一行,每次运行都会增长。存档中没有的网格日被添加,结果相同的保持不变,服务给出不同数值的替换旧值(并计入修订次数)。一个存档只保存同一组要素、同一级别:其他运行会被拒绝。输出计数 ADDED、UNCHANGED、REVISED(网格日)以及 GAP_DAYS,即存档时间范围内没有数据的日期数(两次运行间隔超过 10 天会留下空缺)。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="47" />
      <source>Archive (a GeoPackage or a PostgreSQL table; created if missing)</source>
      <translation>存档(GeoPackage 或 PostgreSQL 表;不存在时创建)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="51" />
      <source>Cell-days added</source>
      <translation>新增的网格日</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="52" />
      <source>Cell-days answered alike</source>
      <translation>结果相同的网格日</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="53" />
      <source>Cell-days revised</source>
      <translation>已修订的网格日</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="54" />
      <source>Dates without data inside the archive's span</source>
      <translation>存档时间范围内无数据的日期数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/archive.py" line="57" />
      <source>Those dates</source>
      <translation>这些日期</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="30" />
      <source>Compare two periods of heat</source>
      <translation>比较两个时段的热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="33" />
      <source>What changed between two periods of an archive or of any hourly heat layer: one feature per cell (or per zone, the heat shared into zones as 'Heat by zone' shares it) with mean_a and mean_b (the mean day heat over the dates of each period that have any data in the input; a cell without a row on such a date counts 0), diff (B − A), ratio (B / A) and diff_h00…diff_h23 per hour of day, styled red where B is higher and blue where lower. Periods are typed as YYYY-MM-DD..YYYY-MM-DD (both dates included), or chosen by a preset. Anomalies: each cell-day (or zone-day) of period B against the same weekday of period A, as z-scores of the day (z_day) and of each hour (z_h00…z_h23); NULL where A has fewer than two dates of that weekday or the baseline does not vary. |z| &gt; 3 is an event day.</source>
      <translation>存档或任意逐小时热力图层在两个时段之间的变化:每个网格(或每个分区,热力按“分区热力”的方式分配到分区)一个要素,包含 mean_a 和 mean_b(各时段内输入中有任何数据的日期上的日均热力;某网格在这样的日期没有记录时计为 0)、diff(B − A)、ratio(B / A)以及按小时的 diff_h00…diff_h23,B 较高处显示为红色,较低处为蓝色。时段写作 YYYY-MM-DD..YYYY-MM-DD(含首尾两天),或选择预设。异常:时段 B 的每个网格日(或分区日)与时段 A 中相同星期几的基线比较,给出全天(z_day)和每小时(z_h00…z_h23)的 z 分数;时段 A 中该星期几少于两天或基线没有变化时为 NULL。|z| &gt; 3 即为事件日。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="51" />
      <source>Archive or hourly heat layer</source>
      <translation>存档或逐小时热力图层</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="57" />
      <source>Periods</source>
      <translation>时段</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="59" />
      <source>Period A against period B, as typed below</source>
      <translation>时段 A 对比时段 B(在下方填写)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="60" />
      <source>Weekdays (A) against weekend (B)</source>
      <translation>工作日(A)对比周末(B)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="61" />
      <source>The 7 days before (A) against the last 7 days (B)</source>
      <translation>之前 7 天(A)对比最近 7 天(B)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="67" />
      <source>Period A (YYYY-MM-DD..YYYY-MM-DD)</source>
      <translation>时段 A(YYYY-MM-DD..YYYY-MM-DD)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="68" />
      <source>Period B (YYYY-MM-DD..YYYY-MM-DD)</source>
      <translation>时段 B(YYYY-MM-DD..YYYY-MM-DD)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="73" />
      <source>Zones (optional: compare per zone)</source>
      <translation>分区(可选:按分区比较)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="78" />
      <source>Heat into zones by</source>
      <translation>热力分配到分区的方式</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="79" />
      <location filename="../../plugin/algorithms/zones.py" line="57" />
      <location filename="../../plugin/ui/zone_box.py" line="31" />
      <source>Area-weighted (on the ellipsoid)</source>
      <translation>按面积加权（椭球面）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="79" />
      <location filename="../../plugin/algorithms/zones.py" line="57" />
      <location filename="../../plugin/ui/zone_box.py" line="32" />
      <source>Cell centroid</source>
      <translation>按格网质心</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="85" />
      <source>Compared heat</source>
      <translation>热力对比</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="89" />
      <source>Anomalies (days of B)</source>
      <translation>异常(时段 B 的各天)</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="93" />
      <source>Dates of period A with data</source>
      <translation>时段 A 中有数据的日期数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="94" />
      <source>Dates of period B with data</source>
      <translation>时段 B 中有数据的日期数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="95" />
      <source>Cells or zones compared</source>
      <translation>参与比较的网格或分区数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="103" />
      <source>Choose an archive or an hourly heat layer.</source>
      <translation>请选择存档或逐小时热力图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="117" />
      <source>Periods A and B share dates: the difference understates the change.</source>
      <translation>时段 A 与 B 有重叠日期:差值会低估变化。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="177" />
      <source>{0:,} repeated cell-days of overlapping fences counted once.</source>
      <translation>重叠围栏中重复的 {0:,} 个网格日只计一次。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="186" />
      <source>Some days of period B have fewer than two days of the same weekday in period A: their z-scores are NULL. Anomalies need a period A of two weeks or more.</source>
      <translation>时段 B 中有些日期在时段 A 中相同星期几的天数少于两天:它们的 z 分数为 NULL。异常检测需要至少两周的时段 A。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/compare.py" line="193" />
      <source>The strongest day anomaly: z = {0:.1f} on {1}.</source>
      <translation>最强的日异常:{1},z = {0:.1f}。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="26" />
      <source>As the basemap draws its streets (WGS84 without a basemap)</source>
      <translation>跟随底图的坐标系（无底图时为 WGS84）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="27" />
      <location filename="../../plugin/algorithms/groups.py" line="25" />
      <location filename="../../plugin/ui/heat_tab.py" line="160" />
      <location filename="../../plugin/ui/scans_tab.py" line="99" />
      <source>Output coordinates</source>
      <translation>输出坐标系</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="37" />
      <source>Basemap (none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template)</source>
      <translation>底图（none、osm、gaode、tianditu、tianditu-img，或 XYZ 地址模板）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="52" />
      <source>Input coordinates</source>
      <translation>输入坐标</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="59" />
      <source>Crowd heat (Jike)</source>
      <translation>人群热力（及刻）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/groups.py" line="81" />
      <source>Scan positioning (Baidu)</source>
      <translation>扫描定位（百度）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="106" />
      <source>S2 cell level (10–18; 0 lets the service choose)</source>
      <translation>S2 网格级别（10–18；0 表示由服务选择）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="116" />
      <source>Cells</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="116" />
      <source>Hourly heat</source>
      <translation>逐小时热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="145" />
      <location filename="../../plugin/ui/heat_tab.py" line="340" />
      <source>Skipped: {0}</source>
      <translation>已跳过：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="182" />
      <source>Stopped early: the layers hold the {0} feature(s) received so far.</source>
      <translation>已提前停止：图层中包含目前已收到的 {0} 个要素。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="208" />
      <location filename="../../plugin/gis/tasks.py" line="72" />
      <source>{0:,} / {1:,} requests, {2:,} cells</source>
      <translation>{0:,} / {1:,} 次请求，{2:,} 个格网</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="267" />
      <source>Crowd heat for polygons</source>
      <translation>多边形人群热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="270" />
      <source>Fetches the last 10 days of hourly crowd heat from the Jike open platform for each polygon. Invalid polygons are repaired and unusable ones skipped with the reason. A polygon over the service's limits (about 800 km², the vertex limit) is cut into S2-aligned tiles; small polygons and parts near each other share a request; each polygon keeps exactly the cells that intersect it (holes excluded), once. Answers are cached: a rerun on the same day asks for nothing. Outputs one feature per polygon, S2 cell and day with hourly fields h00–h23, animated by the Temporal Controller, and one feature per polygon and cell with hourly means.</source>
      <translation>为每个多边形从及刻开放平台获取最近 10 天的逐小时人群热力。无效多边形会被修复，无法使用的会被跳过并说明原因。超出服务限制（约 800 km² 及顶点数上限）的多边形按 S2 格网切分为瓦片；相邻的小多边形和部件共用一次请求；每个多边形只保留与其相交的格网（不含洞），且每个格网只出现一次。应答会被缓存：同一天重新运行不再发送请求。输出每个多边形、S2 格网和日期一个要素，含 h00–h23 逐小时字段，可由时态控制器播放；另输出每个多边形和格网一个要素，含逐小时均值。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="286" />
      <source>Polygon layer (selected features only is honoured)</source>
      <translation>多边形图层（支持“仅选中要素”）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="292" />
      <source>Shard k/N: this machine's part of the plan (1/1: all of it)</source>
      <translation>分片 k/N：本机负责的计划部分（1/1：全部）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="305" />
      <source>The input has no features (is 'selected features only' on with nothing selected?). Select at least one polygon.</source>
      <translation>输入没有要素（是否勾选了“仅选中要素”但没有选中任何要素？）。请至少选择一个多边形。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="334" />
      <source>Crowd heat for a circle</source>
      <translation>圆形区域人群热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="337" />
      <source>Fetches the last 10 days of hourly crowd heat from the Jike open platform for a circle (centre point and radius in metres, at most 50 km). Same outputs as 'Crowd heat for polygons'.</source>
      <translation>从及刻开放平台获取一个圆形区域（中心点与以米为单位的半径，最大 50 公里）最近 10 天的逐小时人群热力。输出与“多边形人群热力”相同。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="346" />
      <source>Centre</source>
      <translation>中心点</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/heat.py" line="350" />
      <source>Radius (metres)</source>
      <translation>半径（米）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="35" />
      <source>Time profile chart</source>
      <translation>时间曲线图</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="38" />
      <source>Draws the time profile of an hourly heat layer (or of a 'Heat by zone and hour' table): one 24-hour curve per day, the mean in bold, and a day × hour matrix, as PNG or SVG (by the file's extension). Honours 'selected features only'.</source>
      <translation>绘制逐小时热力图层（或“分区逐小时热力”表）的时间曲线：每天一条 24 小时曲线，平均值加粗，并附日期 × 小时矩阵；按文件扩展名输出 PNG 或 SVG。支持“仅所选要素”。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="50" />
      <source>Hourly heat layer, or heat by zone and hour table</source>
      <translation>逐小时热力图层，或分区逐小时热力表</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="53" />
      <source>Chart</source>
      <translation>图表</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="62" />
      <source>The input is neither an hourly heat layer (cell_token, date, h00…h23) nor a heat by zone and hour table (zone_fid, date, hour, heat).</source>
      <translation>输入既不是逐小时热力图层（cell_token、date、h00…h23），也不是分区逐小时热力表（zone_fid、date、hour、heat）。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="68" />
      <source>The input has no heat to draw.</source>
      <translation>输入中没有可绘制的热力。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="72" />
      <location filename="../../plugin/algorithms/outputs.py" line="172" />
      <location filename="../../plugin/ui/heat_results.py" line="73" />
      <source>Could not write {0}.</source>
      <translation>无法写入 {0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="74" />
      <source>{0}: {1} days, peak at {2:02d}:00.</source>
      <translation>{0}：{1} 天，高峰在 {2:02d}:00。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="92" />
      <source>Choose an hourly heat layer (as crowdheat:heatmap writes it).</source>
      <translation>请选择逐小时热力图层（crowdheat:heatmap 的输出）。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="103" />
      <source>Heat print layout as PDF</source>
      <translation>热力打印布局导出为 PDF</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="106" />
      <source>Builds the CrowdHeat print layout (map, legend, scale bar, north arrow, title, the frame's time, attribution) for an hourly heat layer at one hour of one day, and exports it as PDF. An empty day takes the first day of the data; hour -1 shows each day's mean hour.</source>
      <translation>为逐小时热力图层生成 CrowdHeat 打印布局（地图、图例、比例尺、指北针、标题、当前时刻、数据来源），显示某一天的某个小时，并导出为 PDF。日期留空则取数据的第一天；小时为 -1 时显示每天的平均小时。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="121" />
      <location filename="../../plugin/algorithms/outputs.py" line="205" />
      <location filename="../../plugin/algorithms/zones.py" line="47" />
      <location filename="../../plugin/ui/zone_box.py" line="37" />
      <source>Hourly heat layer</source>
      <translation>逐小时热力图层</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="124" />
      <source>Day (yyyy-MM-dd; empty: the first)</source>
      <translation>日期（yyyy-MM-dd；留空：第一天）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="129" />
      <source>Hour (-1: each day's mean hour)</source>
      <translation>小时（-1：每天的平均小时）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="137" />
      <source>Crowd heat</source>
      <translation>人群热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="137" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="140" />
      <source>PDF</source>
      <translation>PDF</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="147" />
      <source>The layer has no days.</source>
      <translation>该图层没有日期数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="151" />
      <source>Day {0!r} is not yyyy-MM-dd.</source>
      <translation>日期 {0!r} 不是 yyyy-MM-dd 格式。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="184" />
      <source>Heat animation (GIF or MP4)</source>
      <translation>热度动画（GIF 或 MP4）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="187" />
      <source>The Temporal Controller's animation of an hourly heat layer (or an archive) as a file: one frame per hour with its date and hour, the legend (the same classes in every frame), a scale bar and the attribution, over a basemap (none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template with {x}, {y}, {z}). Empty START and END: the last day of the data. A .gif is always written; an .mp4 needs ffmpeg on the PATH.</source>
      <translation>将逐小时热力图层（或存档）的时间控制器动画写成文件：每小时一帧，标注日期和小时，图例（各帧分级相同）、比例尺和来源说明，叠加在底图上（none、osm、gaode、tianditu、tianditu-img，或含 {x}、{y}、{z} 的 XYZ 地址模板）。START 和 END 为空时取数据的最后一天。总能写出 .gif；.mp4 需要 PATH 中有 ffmpeg。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="207" />
      <source>From (empty: the last day)</source>
      <translation>起始（留空：最后一天）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="207" />
      <source>Until (excluded)</source>
      <translation>截止（不含）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="211" />
      <source>Width (pixels)</source>
      <translation>宽度（像素）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="212" />
      <source>Height (pixels)</source>
      <translation>高度（像素）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="213" />
      <source>Each frame shown for (ms)</source>
      <translation>每帧显示时长（毫秒）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="221" />
      <source>Animation</source>
      <translation>动画</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="223" />
      <source>Frames</source>
      <translation>帧数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="237" />
      <source>No hour between {0} and {1}.</source>
      <translation>{0} 与 {1} 之间没有任何小时。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/outputs.py" line="258" />
      <source>{0} frames, {1} – {2}, {3:,.1f} MB</source>
      <translation>{0} 帧，{1} – {2}，{3:,.1f} MB</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="53" />
      <source>Plan crowd heat requests</source>
      <translation>规划人群热度请求</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="56" />
      <source>Plans the requests 'Crowd heat for polygons' would send for the polygons, without sending any: one polygon per request with the shard (of SHARDS) that would send it, the features it serves, its area and expected cells. Outputs REQUESTS, EXPECTED_CELLS and HOURLY_ROWS (cell-days of one 10-day window), the cost of the run to check before spending quota.</source>
      <translation>规划“多边形人群热度”将为这些多边形发送的请求，但不发送任何请求：每个请求一个多边形，附带将发送它的分片（共 SHARDS 个）、它服务的要素、面积和预计格网数。输出 REQUESTS、EXPECTED_CELLS 和 HOURLY_ROWS（一个 10 天窗口的格网-日数），即运行的成本，便于在消耗配额前核对。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="73" />
      <source>Shards (machines)</source>
      <translation>分片数（机器数）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="81" />
      <source>Planned requests</source>
      <translation>规划的请求</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="84" />
      <source>Requests</source>
      <translation>请求数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="85" />
      <source>Expected cells</source>
      <translation>预计格网数</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="86" />
      <source>Expected hourly rows (cell-days) of one window</source>
      <translation>一个窗口的预计逐时行数（格网-日）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/plan.py" line="119" />
      <source>Shard {0}/{1}: {2:,} request(s), about {3:,} cells</source>
      <translation>分片 {0}/{1}：{2:,} 个请求，约 {3:,} 个格网</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="69" />
      <source>Geolocate WiFi / cell-tower scans</source>
      <translation>WiFi / 基站扫描定位</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="72" />
      <source>Reads a CSV of WiFi / cell-tower scans (Baidu-style columns, split cell columns, or one row per observation such as WiGLE), geolocates every scan with Baidu's hardware positioning API and writes one point per scan, in input order, with status ok / not_found / invalid / error. Answers are cached, so a rerun spends no quota on scans already answered.</source>
      <translation>读取 WiFi / 基站扫描 CSV（百度字段、基站字段分列，或如 WiGLE 的每行一个观测），用百度智能硬件定位 API 定位每次扫描，按输入顺序每次扫描输出一个点，状态为 ok / not_found / invalid / error。结果会被缓存，重新运行时已返回结果的扫描不再消耗配额。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="90" />
      <source>Scan file (CSV)</source>
      <translation>扫描文件（CSV）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="92" />
      <source>Encoding (empty: detect)</source>
      <translation>编码（留空：自动识别）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="93" />
      <source>Delimiter (empty: detect)</source>
      <translation>分隔符（留空：自动识别）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="96" />
      <source>Header row</source>
      <translation>标题行</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="97" />
      <source>Detect</source>
      <translation>自动检测</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="97" />
      <source>No: the columns are col1, col2, …</source>
      <translation>无：列名为 col1、col2、…</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="97" />
      <source>Yes: the first row names the columns</source>
      <translation>有：第一行是列名</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="100" />
      <source>File shape</source>
      <translation>文件结构</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="102" />
      <source>Column mapping, overrides the guess (role=column; …)</source>
      <translation>列映射，覆盖自动识别（角色=列名；…）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="106" />
      <source>Rows of one AP each: one scan within seconds of its first row (-1: setting)</source>
      <translation>每行一个热点的文件：同一次扫描距其第一行的秒数上限（-1：用设置）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="113" />
      <source>… and within metres of its first position (-1: setting)</source>
      <translation>… 以及距其第一个位置的米数上限（-1：用设置）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="126" />
      <source>Scans per request (0: setting)</source>
      <translation>每次请求的扫描数（0：使用设置）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="134" />
      <source>Requests per second (0: setting)</source>
      <translation>每秒请求数（0：使用设置）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="139" />
      <source>Cache file (empty: the QGIS profile's)</source>
      <translation>缓存文件（留空：使用 QGIS 配置目录中的）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="144" />
      <source>Located scans</source>
      <translation>已定位的扫描</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="147" />
      <source>Accuracy circles</source>
      <translation>精度圆</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="154" />
      <source>Error lines (the file's position to the service's, where the file has one)</source>
      <translation>误差连线（文件自带位置到服务返回位置，仅限文件有位置的扫描）</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="238" />
      <source>Read as {0}. Columns: {1}.</source>
      <translation>按 {0} 读取。列：{1}。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/scans.py" line="240" />
      <source>How: {0}.</source>
      <translation>识别依据：{0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="27" />
      <location filename="../../plugin/algorithms/zones.py" line="62" />
      <location filename="../../plugin/ui/zone_box.py" line="22" />
      <location filename="../../plugin/ui/zone_box.py" line="35" />
      <source>Heat by zone</source>
      <translation>分区热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="30" />
      <source>Shares the hourly heat of S2 cells (a layer written by 'Crowd heat for polygons') out to your own zones, in any CRS. Area-weighted: a cell's heat is split by the share of its area in each zone, measured on the ellipsoid, so heat is conserved when the zones partition the cells. Cell centroid: each cell's heat goes whole to the zone holding its centre. A cell brought by several fences counts once. Writes the zones with heat_total, cells, covered_share (share of the zone covered by returned cells: missing cells are unknown, not zero), mean_day, avg_h00…avg_h23, peak_hour, weekday_mean and weekend_mean (Beijing calendar), and a table of heat per zone, date and hour for pivot tables and charts.</source>
      <translation>把 S2 格网的逐小时热力（“多边形人群热力”算法输出的图层）分配到您自己的分区，分区可为任意坐标系。按面积加权：每个格网的热力按其落在各分区内的面积占比（在椭球面上量算）分配，分区恰好划分格网时热力守恒。按格网质心：每个格网的热力整体归入包含其中心的分区。被多个围栏重复返回的格网只计一次。输出分区及 heat_total、cells、covered_share（分区被返回格网覆盖的比例：缺失的格网为未知而非零）、mean_day、avg_h00…avg_h23、peak_hour、weekday_mean 和 weekend_mean（北京时间日历），以及一张按分区、日期、小时的热力表，便于数据透视和制图。</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="51" />
      <location filename="../../plugin/ui/zone_box.py" line="38" />
      <source>Zones</source>
      <translation>分区</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="56" />
      <location filename="../../plugin/ui/zone_box.py" line="39" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="66" />
      <source>Heat by zone and hour</source>
      <translation>分区逐小时热力</translation>
    </message>
    <message>
      <location filename="../../plugin/algorithms/zones.py" line="74" />
      <source>Choose an hourly heat layer and a zone layer.</source>
      <translation>请选择逐小时热力图层和分区图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="144" />
      <source>Base URL</source>
      <translation>服务地址</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="146" />
      <source>Read timeout</source>
      <translation>读取超时</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="147" />
      <source>Total deadline per request</source>
      <translation>每个请求的总时限</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="148" />
      <source>Largest answer</source>
      <translation>应答大小上限</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="160" />
      <source>Requests in flight</source>
      <translation>同时进行的请求数</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="161" />
      <source>Ask before a run of more requests than</source>
      <translation>请求数超过此值时先询问</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="167" />
      <source>Scans per request</source>
      <translation>每次请求的扫描数</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="168" />
      <source>Requests per second</source>
      <translation>每秒请求数</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="169" />
      <source>Coordinates asked of the service</source>
      <translation>向服务请求的坐标系</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="173" />
      <source>Rows of one AP each: one scan within</source>
      <translation>每行一个热点：同一次扫描在此时间内</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="174" />
      <source>… and within</source>
      <translation>… 且在此距离内</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="181" />
      <source>Unknown cell signal</source>
      <translation>未知基站信号值</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="182" />
      <source>A cell's signal when the file has none: 50 in the seed document, 99 on Baidu's current page.</source>
      <translation>文件中没有信号强度时基站的信号值：原始文档为 50，百度当前页面为 99。</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="187" />
      <source>Key in the URL's query string (Baidu's current page), not in the JSON body</source>
      <translation>将密钥放在 URL 查询字符串中（百度当前页面的方式），而不是 JSON 请求体中</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="192" />
      <source>Device id (imei) of files without one</source>
      <translation>无设备标识文件的设备标识（imei）</translation>
    </message>
    <message>
      <location filename="../../plugin/core/config.py" line="193" />
      <source>empty: one id per file, made from its path</source>
      <translation>留空：每个文件一个标识，由其路径生成</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="42" />
      <source>'{0}' is not an hourly heat layer (it has no date field).</source>
      <translation>“{0}”不是逐时热度图层（没有 date 字段）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="45" />
      <source>'{0}' holds no heat.</source>
      <translation>“{0}”没有热度数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="98" />
      <source>{0}, {1:02d}:00–{2:02d}:00 Beijing time</source>
      <translation>{0}，北京时间 {1:02d}:00–{2:02d}:00</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="242" />
      <source>Hourly heat (relative, Jike)</source>
      <translation>逐时热度（相对值，及刻）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="287" />
      <source>An MP4 needs ffmpeg, which is not on the PATH: install it (apt install ffmpeg) or choose a .gif.</source>
      <translation>MP4 需要 ffmpeg，但 PATH 中没有：请安装（apt install ffmpeg）或改选 .gif。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/animation.py" line="314" />
      <source>ffmpeg could not write {0}: {1}</source>
      <translation>ffmpeg 无法写出 {0}：{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/archive_postgres.py" line="50" />
      <source>A PostgreSQL archive needs the Python package psycopg2, which QGIS installs with DB Manager: install python3-psycopg2 (Debian/Ubuntu) or psycopg2 in QGIS's Python.</source>
      <translation>PostgreSQL 存档需要 Python 包 psycopg2（QGIS 的 DB Manager 会一并安装）：请安装 python3-psycopg2（Debian/Ubuntu），或在 QGIS 的 Python 中安装 psycopg2。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/archive_postgres.py" line="59" />
      <source>The archive's database cannot be reached ({0}): check the connection.</source>
      <translation>无法连接存档所在的数据库（{0}）：请检查连接。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/archive_postgres.py" line="125" />
      <source>The archive {0} refused an answer's rows: {1}</source>
      <translation>存档 {0} 拒绝了一个应答的行：{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/basemaps.py" line="38" />
      <source>The basemap {0} cannot be opened ({1}).</source>
      <translation>无法打开底图 {0}（{1}）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/basemaps.py" line="89" />
      <source>Basemap '{0}' is not known: give none, osm, gaode, tianditu, tianditu-img, or an XYZ URL template such as https://tiles.example/{{z}}/{{x}}/{{y}}.png (gcj02: before it when its streets are drawn in GCJ-02)</source>
      <translation>未知底图“{0}”：请填写 none、osm、gaode、tianditu、tianditu-img，或 XYZ 地址模板，如 https://tiles.example/{{z}}/{{x}}/{{y}}.png（街道为 GCJ-02 坐标时在前面加 gcj02:）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/basemaps.py" line="146" />
      <source>The heat is in {0} and {1} draws its streets in {2}: in China they lie a few hundred metres apart. Write the heat in the basemap's coordinates (Output coordinates, COORD_OUT), or choose another basemap.</source>
      <translation>热度坐标为 {0}，而 {1} 的街道按 {2} 绘制：在中国境内两者相差数百米。请以底图的坐标系写出热度（输出坐标，COORD_OUT），或换用其他底图。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/basemaps.py" line="154" />
      <source>{0} draws its streets in GCJ-02: the heat is written in GCJ-02 numbers to land on them.</source>
      <translation>{0} 的街道按 GCJ-02 绘制：热度以 GCJ-02 坐标写出，才能落在街道上。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/basemaps.py" line="161" />
      <source>Basemap: {0}</source>
      <translation>底图：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="43" />
      <source>{0}: cannot be transformed from {1} to WGS84 ({2}).</source>
      <translation>{0}：无法从 {1} 转换到 WGS84（{2}）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="58" />
      <source>Layer '{0}' has no coordinate reference system; its numbers are degrees, so they are taken as WGS84 longitudes/latitudes (EPSG:4326). If they are not, set the layer's CRS (Layer ▸ Layer CRS ▸ Set Layer CRS) or choose GCJ-02/BD-09 as the input coordinates.</source>
      <translation>图层“{0}”没有坐标参考系；其数值为度，因此按 WGS84 经纬度（EPSG:4326）处理。若并非如此，请设置图层的坐标参考系（图层 ▸ 图层坐标参考系 ▸ 设置图层坐标参考系），或将输入坐标选为 GCJ-02/BD-09。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="65" />
      <source>Layer '{0}' has no coordinate reference system and its numbers are not degrees (x {1:,.0f} to {2:,.0f}, y {3:,.0f} to {4:,.0f}): its .prj file was probably lost. Set its CRS (Layer ▸ Layer CRS ▸ Set Layer CRS, e.g. the UTM zone or CGCS2000 Gauss-Krüger zone it was made in), then fetch again.</source>
      <translation>图层“{0}”没有坐标参考系，且其数值不是度（x {1:,.0f} 至 {2:,.0f}，y {3:,.0f} 至 {4:,.0f}）：其 .prj 文件可能已丢失。请设置其坐标参考系（图层 ▸ 图层坐标参考系 ▸ 设置图层坐标参考系，例如制作时所用的 UTM 分带或 CGCS2000 高斯-克吕格分带），然后重新获取。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="84" />
      <source>{0}: its coordinates in WGS84 are out of range (x {1:,.4f} to {2:,.4f}, y {3:,.4f} to {4:,.4f}): the layer's CRS ({5}) does not match its numbers. Set the right CRS (Layer ▸ Layer CRS ▸ Set Layer CRS).</source>
      <translation>{0}：其 WGS84 坐标超出范围（x {1:,.4f} 至 {2:,.4f}，y {3:,.4f} 至 {4:,.4f}）：图层的坐标参考系（{5}）与其数值不符。请设置正确的坐标参考系（图层 ▸ 图层坐标参考系 ▸ 设置图层坐标参考系）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="88" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="97" />
      <source>{0} has no geometry: nothing to send.</source>
      <translation>{0} 没有几何：没有可发送的内容。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="100" />
      <source>{0} is a {1}, not a polygon: select polygon features, or draw a circle.</source>
      <translation>{0} 是{1}，不是多边形：请选择多边形要素，或绘制一个圆。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="108" />
      <source>{0}: {1} numbers are longitudes/latitudes, but the layer is in {2}, a projected CRS. Choose the layer's CRS as the input coordinates.</source>
      <translation>{0}：{1} 数值是经纬度，但该图层使用投影坐标系 {2}。请将输入坐标选为“图层的坐标参考系”。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="127" />
      <source>{0} has no area ({1:.2f} m²): nothing to ask for.</source>
      <translation>{0} 没有面积（{1:.2f} m²）：无可请求内容。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="140" />
      <source>{0} is invalid and cannot be repaired ({1}). Fix it with Vector ▸ Geometry Tools ▸ Check Validity or Fix Geometries.</source>
      <translation>{0} 的几何无效且无法修复（{1}）。请用 矢量 ▸ 几何工具 ▸ 检查有效性 或 修复几何 处理。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="147" />
      <source>{0} was invalid ({1}) and was repaired; its area changed by {2:+.2f}%</source>
      <translation>{0} 无效（{1}），已修复；面积变化 {2:+.2f}%</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="189" />
      <source>No selected feature can be used: {0}</source>
      <translation>所选要素均无法使用：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="213" />
      <source>The circle's radius must be greater than 0 metres.</source>
      <translation>圆的半径必须大于 0 米。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/fences.py" line="219" />
      <source>Circle centre ({0}, {1}) is not a WGS84 longitude/latitude.</source>
      <translation>圆心 ({0}, {1}) 不是 WGS84 经纬度。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/geopackage.py" line="29" />
      <source>Could not save {0} into {1}: {2}</source>
      <translation>无法把 {0} 保存到 {1}：{2}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="79" />
      <source>The archive must be a GeoPackage (.gpkg) or a PostgreSQL table, not '{0}': an archive is merged into by every run, which only a database can do safely.</source>
      <translation>存档必须是 GeoPackage(.gpkg)或 PostgreSQL 表,而不是“{0}”:每次运行都要合并进存档,只有数据库能安全地做到。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="160" />
      <source>The archive {0} cannot be written: {1}</source>
      <translation>无法写入存档 {0}:{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="173" />
      <source>An archive needs a fixed S2 cell level: with 'Auto' the service may choose another level on another day, and an archive never mixes levels. Choose a level (16 is a street block).</source>
      <translation>存档需要固定的 S2 网格级别:选择“自动”时,服务在不同日期可能选择不同级别,而存档从不混合级别。请选择一个级别(16 约为一个街区)。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="197" />
      <source>level {0} (this run: {1})</source>
      <translation>级别 {0}(本次运行:{1})</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="199" />
      <source>{0} other feature(s): {1}</source>
      <translation>另外 {0} 个要素:{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="202" />
      <source>The archive '{0}' holds heat of {1}. An archive never mixes levels or features: run with the same features and level, or give another archive (another layer name in the same GeoPackage keeps them apart).</source>
      <translation>存档“{0}”保存的是{1}的热力。存档从不混合级别或要素:请用相同的要素和级别运行,或指定另一个存档(同一 GeoPackage 中的另一个图层名即可分开保存)。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="219" />
      <source>The archive's staging table {0} cannot be opened.</source>
      <translation>无法打开存档的暂存表 {0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="283" />
      <source>The archive {0} holds no heat yet.</source>
      <translation>存档 {0} 还没有热力数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="285" />
      <source>{0} – {1}: {2} date(s) with data, {3:,} cell-days</source>
      <translation>{0} – {1}:{2} 个日期有数据,共 {3:,} 个网格日</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="288" />
      <source>Gaps: {0}</source>
      <translation>空缺:{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="288" />
      <source>No gap.</source>
      <translation>没有空缺。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="289" />
      <source>{0} feature(s) at level {1}: {2}</source>
      <translation>{0} 个要素,级别 {1}:{2}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="293" />
      <source>{0:,.1f} MB on disk; last run {1}</source>
      <translation>占用磁盘 {0:,.1f} MB;上次运行 {1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="328" />
      <source>the service's choice</source>
      <translation>服务自选</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="393" />
      <source>Archive {0}: {1:,} cell-days added, {2:,} answered alike, {3:,} revised; it spans {4} – {5}</source>
      <translation>存档 {0}:新增 {1:,} 个网格日,{2:,} 个结果相同,{3:,} 个已修订;时间范围 {4} – {5}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="400" />
      <source>{0} date(s) inside the archive's span have no data (runs more than 10 days apart): {1}</source>
      <translation>存档时间范围内有 {0} 个日期没有数据(两次运行间隔超过 10 天):{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="410" />
      <source>cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="413" />
      <source>{0} of {1} request(s) not answered ({2})</source>
      <translation>{1} 个请求中有 {0} 个未得到应答({2})</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_archive.py" line="416" />
      <source>Incomplete run: {0}. The archive keeps the {1:,} cell-days added and {2:,} revised so far; run it again to fetch the rest (answers already received come from the cache).</source>
      <translation>运行未完成:{0}。存档保留目前已新增的 {1:,} 个网格日和已修订的 {2:,} 个;再次运行即可获取其余部分(已收到的结果来自缓存)。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="65" />
      <source>Cancelled before any heat was received.</source>
      <translation>在收到任何热度数据之前已取消。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="110" />
      <source>{0:,} feature(s), {1:,.1f} km²: {2:,} request(s)</source>
      <translation>{0:,} 个要素，{1:,.1f} km²：{2:,} 次请求</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="112" />
      <source>, {0:,} feature(s) cut into S2 tiles</source>
      <translation>，{0:,} 个要素按 S2 瓦片切分</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="115" />
      <source>, about {0:,} cells at level {1}</source>
      <translation>，{1} 级约 {0:,} 个网格</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="118" />
      <source>, {0:,} repaired</source>
      <translation>，{0:,} 个已修复</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="120" />
      <source>; {0} feature(s) skipped: {1}</source>
      <translation>；已跳过 {0} 个要素：{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="127" />
      <source>{0:,} cells, {1:,} cell-days, total heat {2:,}, {3} – {4}; {5:,} of {6:,} requests answered ({7:,} from the cache), {8:.1f} s</source>
      <translation>{0:,} 个格网，{1:,} 个格网日，总热力 {2:,}，{3} – {4}；{6:,} 次请求中 {5:,} 次已应答（{7:,} 次来自缓存），用时 {8:.1f} 秒</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="142" />
      <source>; {0:,} cells belong to two features or more: do not sum heat across features</source>
      <translation>；{0:,} 个格网同时属于两个或更多要素：请勿跨要素求和热力</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="146" />
      <location filename="../../plugin/gis/scan_run.py" line="43" />
      <source>; answers NOT cached: {0}</source>
      <translation>；应答未缓存：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="155" />
      <source>Left out: {0}</source>
      <translation>已剔除：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="157" />
      <source>… and {0:,} more left out</source>
      <translation>……另有 {0:,} 项被剔除</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="170" />
      <source>No cell was kept: the service answered, but every cell was left out ({0:,} problem(s)): {1}</source>
      <translation>没有保留任何格网：服务已应答，但所有格网都被剔除（{0:,} 个问题）：{1}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_run.py" line="174" />
      <source>No cell was returned.</source>
      <translation>服务未返回任何格网。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_zones.py" line="147" />
      <source>Zone field '{0}' is kept as '{1}': the output has a field of that name.</source>
      <translation>分区字段“{0}”保留为“{1}”：输出中已有同名字段。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/heat_zones.py" line="166" />
      <source>{0:,} cell-days of {1:,} cells shared into {2:,} zones ({3:,} repeated cell-days of overlapping fences counted once); {4:,} zones reached by no cell (heat NULL).</source>
      <translation>{1:,} 个格网的 {0:,} 个格网日已分配到 {2:,} 个分区（重叠围栏重复的 {3:,} 个格网日只计一次）；{4:,} 个分区没有任何格网（热力为 NULL）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="11" />
      <source>BD-09 numbers (Baidu basemaps)</source>
      <translation>BD-09 坐标值（百度底图）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="11" />
      <source>GCJ-02 numbers (Amap, Tencent basemaps)</source>
      <translation>GCJ-02 坐标值（高德、腾讯底图）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="11" />
      <source>WGS84</source>
      <translation>WGS84</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="24" />
      <source>The layer's CRS</source>
      <translation>图层的坐标参考系</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="25" />
      <source>GCJ-02 numbers (DataV/Aliyun, Amap boundaries)</source>
      <translation>GCJ-02 数值（DataV/阿里云、高德边界）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/output_systems.py" line="26" />
      <source>BD-09 numbers (Baidu boundaries)</source>
      <translation>BD-09 数值（百度边界）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="59" />
      <source>hour {0} of {1}, Beijing time</source>
      <translation>北京时间 {1} {0} 时段</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="62" />
      <source>the mean hour of each day</source>
      <translation>各日的平均小时</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="63" />
      <source>Relative heat, Jike open platform (及刻); </source>
      <translation>相对热度，及刻开放平台；</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="192" />
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="233" />
      <source>Crowd heat: Jike open platform (及刻开放平台), {0} – {1}, Beijing time; hourly heat of Google S2 cells. Made with CrowdHeat for QGIS.</source>
      <translation>人群热度：及刻开放平台，{0} – {1}，北京时间；Google S2 格网逐时热度。由 QGIS 插件 CrowdHeat 制作。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/print_layout.py" line="237" />
      <source>SIMULATED DATA, not the service's.</source>
      <translation>模拟数据，并非服务的真实数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/profile_chart.py" line="74" />
      <source>Fetch heat, or select cells or zones, to see their hours.</source>
      <translation>获取热力，或选择格网或分区，即可查看其逐小时变化。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/profile_chart.py" line="82" />
      <source>Heat by hour, {0} (thin: each day, blue on weekdays, red on weekends; bold: the mean; peak {1:02d}:00)</source>
      <translation>逐小时热力，{0}（细线：每天，蓝色为工作日、红色为周末；粗线：平均；高峰 {1:02d}:00）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/profile_chart.py" line="163" />
      <source>CrowdHeat time profile</source>
      <translation>CrowdHeat 时间曲线</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="22" />
      <source>{0:,} scans — {1:,} valid, {2:,} invalid, {3:,} already answered (cache). The run will spend about {4:,} requests of quota.</source>
      <translation>{0:,} 次扫描 — {1:,} 有效，{2:,} 无效，{3:,} 已有结果（缓存）。本次运行约消耗 {4:,} 次请求配额。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="29" />
      <source>{0:,} / {1:,} scans, {2:.0f} scans/s, ETA {3:.0f} s</source>
      <translation>{0:,} / {1:,} 次扫描，{2:.0f} 次/秒，预计剩余 {3:.0f} 秒</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="35" />
      <source>{0:,} scans: {1}; {2:,} requests sent (quota), {3:,} cache hits, {4:,} repeats not sent again, {5:.1f} s</source>
      <translation>{0:,} 次扫描：{1}；已发送 {2:,} 次请求（配额），{3:,} 次命中缓存，{4:,} 次重复扫描未再发送，用时 {5:.1f} 秒</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="39" />
      <source>; {0:,} of the cache hits were asked by another run on the same cache meanwhile</source>
      <translation>;其中 {0:,} 个缓存命中由共用同一缓存的另一次运行同时请求所得</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="45" />
      <source>; stopped: {0}</source>
      <translation>；已停止：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="47" />
      <source>; cancelled (unsent scans are marked error)</source>
      <translation>；已取消（未发送的扫描标记为 error）</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="77" />
      <source>Positioning error against the file's ground truth: median {0:,.0f} m, 90th percentile {1:,.0f} m ({2:,} scans).</source>
      <translation>相对文件中真值的定位误差：中位数 {0:,.0f} 米，90% 分位 {1:,.0f} 米（{2:,} 次扫描）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/scan_run.py" line="88" />
      <source>The median distance to the file's own GPS is {0:,.0f} km: positioning is never that far off, so the GPS columns are probably not what they seem. Check that '{1}' holds longitudes and '{2}' latitudes (not swapped), in degrees of WGS84 (not GCJ-02/BD-09 numbers or projected metres); change the mapping of lng/lat if not.</source>
      <translation>与文件自带 GPS 的距离中位数为 {0:,.0f} 公里：定位误差不可能这么大，GPS 列很可能并非看上去的含义。请检查“{1}”是否为经度、“{2}”是否为纬度（没有对调），且为 WGS84 度数（不是 GCJ-02/BD-09 数值或投影米）；如不是，请修改 lng/lat 的映射。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="55" />
      <source>A file could not be read or written: {0}</source>
      <translation>无法读取或写入文件：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="85" />
      <source>CrowdHeat: fetching crowd heat</source>
      <translation>CrowdHeat：正在获取人群热力</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="113" />
      <source>CrowdHeat: checking the scan file</source>
      <translation>CrowdHeat：正在检查扫描文件</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="139" />
      <source>CrowdHeat: geolocating scans</source>
      <translation>CrowdHeat：正在定位扫描</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="197" />
      <source>CrowdHeat: adding heat to the archive</source>
      <translation>CrowdHeat:正在将热力加入存档</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="300" />
      <source>CrowdHeat: testing the {0} connection</source>
      <translation>CrowdHeat：正在测试 {0} 连接</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="320" />
      <source>CrowdHeat: installing Python packages</source>
      <translation>CrowdHeat：正在安装 Python 包</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="340" />
      <source>CrowdHeat: heat by zone</source>
      <translation>CrowdHeat：分区热力</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="356" />
      <location filename="../../plugin/ui/zone_box.py" line="89" />
      <source>Heat by zone — {0}</source>
      <translation>分区热力 — {0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tasks.py" line="359" />
      <source>Heat by zone and hour — {0}</source>
      <translation>分区逐小时热力 — {0}</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tianditu.py" line="67" />
      <source>Tianditu needs its key (a 'browser' key from console.tianditu.gov.cn): enter it in Settings ▸ Options ▸ CrowdHeat ▸ Basemaps, or set {0}.</source>
      <translation>天地图需要密钥（在 console.tianditu.gov.cn 申请的“浏览器端”密钥）：请在 设置 ▸ 选项 ▸ CrowdHeat ▸ 底图 中填写，或设置环境变量 {0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tianditu.py" line="135" />
      <source>Tianditu cannot be reached ({0}).</source>
      <translation>无法连接天地图（{0}）。</translation>
    </message>
    <message>
      <location filename="../../plugin/gis/tianditu.py" line="141" />
      <source>Tianditu refused a tile: HTTP {0}, {1}. A 403 with code 1 or 12 means the key is wrong or not a 'browser' key.</source>
      <translation>天地图拒绝了瓦片请求：HTTP {0}，{1}。403 且 code 为 1 或 12 表示密钥错误或不是“浏览器端”密钥。</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="34" />
      <location filename="../../plugin/ui/dock.py" line="15" />
      <location filename="../../plugin/ui/heat_results.py" line="21" />
      <location filename="../../plugin/ui/heat_tab.py" line="363" />
      <location filename="../../plugin/ui/scans_tab.py" line="300" />
      <location filename="../../plugin/ui/zone_box.py" line="93" />
      <source>CrowdHeat</source>
      <translation>CrowdHeat</translation>
    </message>
    <message>
      <location filename="../../plugin/plugin.py" line="36" />
      <source>Crowd heat and scan positioning</source>
      <translation>人群热力与扫描定位</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="38" />
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="39" />
      <source>Choose or create a heat archive</source>
      <translation>选择或新建热力存档</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="41" />
      <source>A GeoPackage that grows run after run, one row per S2 cell and date. A PostgreSQL archive is made with the Processing algorithm 'Add crowd heat to an archive'.</source>
      <translation>每次运行都会增长的 GeoPackage,每个 S2 网格每个日期一行。PostgreSQL 存档请使用处理算法“将人群热力加入存档”创建。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="48" />
      <location filename="../../plugin/ui/dock.py" line="23" />
      <source>Archive</source>
      <translation>存档</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="53" />
      <source>Compare periods…</source>
      <translation>比较时段…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="54" />
      <source>What changed between two periods of the archive, and which days stand out.</source>
      <translation>存档两个时段之间的变化,以及哪些日期异常突出。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="56" />
      <source>Play the archive</source>
      <translation>播放存档</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="57" />
      <source>Add the archive to the map and play its whole span in the Temporal Controller.</source>
      <translation>将存档加入地图,并在时间控制器中播放其完整时间范围。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="59" />
      <source>Animation…</source>
      <translation>动画…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="61" />
      <source>The archive's last day (or any hours) as a GIF or MP4, over the Heat tab's basemap.</source>
      <translation>将存档的最后一天（或任意时段）导出为 GIF 或 MP4，叠加在“热力”页所选底图上。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="64" />
      <source>Add the Heat tab's selection</source>
      <translation>加入“热力”页的选择</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="71" />
      <source>Fetches the last 10 days for what the Heat tab would fetch (its polygons or circle, its level).</source>
      <translation>为“热力”页将要获取的范围(其多边形或圆形及级别)获取最近 10 天的数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="90" />
      <source>Choose a GeoPackage: an existing archive, or a new file to create one.</source>
      <translation>请选择 GeoPackage:已有的存档,或用于新建存档的新文件。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="92" />
      <source>Reading the archive…</source>
      <translation>正在读取存档…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="94" />
      <source>CrowdHeat: reading the archive</source>
      <translation>CrowdHeat:正在读取存档</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="103" />
      <source>No archive there yet: the first run creates it.</source>
      <translation>此处还没有存档:首次运行时会创建。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="115" />
      <source>Nothing to add: select polygons (or set a circle) in the Heat tab first. {0}</source>
      <translation>没有可加入的内容:请先在“热力”页选择多边形(或设置圆形)。{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="121" />
      <source>Choose the archive's file first.</source>
      <translation>请先选择存档文件。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="124" />
      <source>Adding {0:,} request(s) to the archive…</source>
      <translation>正在将 {0:,} 个请求加入存档…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="130" />
      <source>CrowdHeat: archive run failed</source>
      <translation>CrowdHeat:存档运行失败</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="132" />
      <location filename="../../plugin/ui/heat_tab.py" line="354" />
      <source>Cancelled: nothing was received.</source>
      <translation>已取消：未收到任何数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="178" />
      <source>The archive cannot be opened: {0}</source>
      <translation>无法打开存档:{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/archive_tab.py" line="196" />
      <source>Playing {0} – {1} in the Temporal Controller.</source>
      <translation>正在时间控制器中播放 {0} – {1}。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/dock.py" line="22" />
      <source>Heat</source>
      <translation>热力</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/dock.py" line="24" />
      <source>Scans</source>
      <translation>扫描</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/dock.py" line="25" />
      <source>Profile</source>
      <translation>时间曲线</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/dock.py" line="27" />
      <source>Settings…</source>
      <translation>设置…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="23" />
      <source>Save as GeoPackage…</source>
      <translation>另存为 GeoPackage…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="24" />
      <source>Print layout…</source>
      <translation>打印布局…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="25" />
      <source>PDF…</source>
      <translation>PDF…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="26" />
      <source>Export animation…</source>
      <translation>导出动画…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="36" />
      <source>Save heat layers</source>
      <translation>保存热力图层</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="44" />
      <location filename="../../plugin/ui/heat_results.py" line="75" />
      <source>Saved to {0}</source>
      <translation>已保存到 {0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="57" />
      <source>Crowd heat — {0}</source>
      <translation>人群热力 — {0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_results.py" line="66" />
      <source>Export the heat map as PDF</source>
      <translation>将热力地图导出为 PDF</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="63" />
      <source>Selected polygons of the active layer</source>
      <translation>当前图层中选中的多边形</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="64" />
      <source>A circle</source>
      <translation>圆形区域</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="83" />
      <source>Fetch</source>
      <translation>获取</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="109" />
      <source>Install</source>
      <translation>安装</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="129" />
      <source>Draw on the map…</source>
      <translation>在地图上绘制…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="130" />
      <source>Press at the centre, drag to the radius, release.</source>
      <translation>在中心点按下，拖动到半径处，松开。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="132" />
      <source>Centre longitude (WGS84)</source>
      <translation>中心经度（WGS84）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="133" />
      <source>Centre latitude (WGS84)</source>
      <translation>中心纬度（WGS84）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="134" />
      <source>Radius</source>
      <translation>半径</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="141" />
      <source>Auto (the service chooses)</source>
      <translation>自动（由服务选择）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="143" />
      <source>Level {0}</source>
      <translation>{0} 级</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="149" />
      <source>What the selected polygons' numbers are. Chinese boundary files are usually GCJ-02 (DataV/Aliyun, Amap) or BD-09 (Baidu) although QGIS shows them as EPSG:4326: taken as WGS84 they are off by hundreds of metres.</source>
      <translation>所选多边形的数值属于哪种坐标。国内的行政边界文件通常为 GCJ-02（DataV/阿里云、高德）或 BD-09（百度），虽然 QGIS 将其显示为 EPSG:4326：若按 WGS84 处理，会偏差数百米。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="157" />
      <source>Polygons' coordinates</source>
      <translation>多边形坐标</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="158" />
      <source>S2 cell level</source>
      <translation>S2 网格级别</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="159" />
      <source>Basemap</source>
      <translation>底图</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="166" />
      <source>None</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="168" />
      <source>AutoNavi / Gaode (GCJ-02 streets)</source>
      <translation>高德地图（GCJ-02 街道）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="169" />
      <source>Tianditu 天地图 (key in Settings)</source>
      <translation>天地图（密钥在设置中）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="170" />
      <source>Tianditu imagery 天地图影像 (key in Settings)</source>
      <translation>天地图影像（密钥在设置中）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="173" />
      <source>XYZ: {0}</source>
      <translation>XYZ：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="175" />
      <source>Added under the heat when it comes; the print layout and the animation use it too.</source>
      <translation>热度到达时加在其下方；打印布局和动画也会使用它。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="224" />
      <source>Install the missing Python packages first (above).</source>
      <translation>请先安装缺少的 Python 包（见上方）。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="231" />
      <source>Select a polygon layer in the Layers panel.</source>
      <translation>请在图层面板中选择一个多边形图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="233" />
      <source>The active layer '{0}' is not a polygon layer.</source>
      <translation>当前图层“{0}”不是多边形图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="235" />
      <source>No feature is selected in '{0}': select one or more polygons.</source>
      <translation>“{0}”中没有选中的要素：请选择一个或多个多边形。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="262" />
      <source>Planning…</source>
      <translation>正在规划…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="263" />
      <source>CrowdHeat: planning the heat requests</source>
      <translation>CrowdHeat：正在规划热力请求</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="281" />
      <source>Installing {0} with pip…</source>
      <translation>正在用 pip 安装 {0}…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="290" />
      <source>Installed: crowd heat is ready (no restart needed).</source>
      <translation>已安装：人群热力功能可用（无需重启）。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="302" />
      <source>Radius: {0:,.0f} m</source>
      <translation>半径：{0:,.0f} 米</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="319" />
      <source>Circle of {0:,.0f} m drawn.</source>
      <translation>已绘制半径 {0:,.0f} 米的圆。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="328" />
      <source>This run sends {0:,} requests (more than {1:,}, the threshold in CrowdHeat's settings). Answers already in the cache cost nothing.

{2}

Fetch?</source>
      <translation>本次运行将发送 {0:,} 次请求（超过设置中的阈值 {1:,}）。缓存中已有的应答不计费用。

{2}

是否获取？</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="345" />
      <source>Fetching {0:,} request(s)…</source>
      <translation>正在发送 {0:,} 次请求…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="352" />
      <source>CrowdHeat: fetch failed</source>
      <translation>CrowdHeat：获取失败</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="355" />
      <source>Fetch cancelled.</source>
      <translation>获取已取消。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/heat_tab.py" line="384" />
      <source> — {0} request(s) failed or not sent (see the CrowdHeat log)</source>
      <translation> — {0} 次请求失败或未发送（见 CrowdHeat 日志）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="22" />
      <source>Fetch heat, or make an hourly heat layer or a heat-by-zone layer active.</source>
      <translation>请先获取热力，或把逐小时热力图层或分区热力图层设为当前图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="29" />
      <source>Export PNG…</source>
      <translation>导出 PNG…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="30" />
      <source>Export SVG…</source>
      <translation>导出 SVG…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="60" />
      <source>Reading the time profile…</source>
      <translation>正在读取时间曲线…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="62" />
      <source>CrowdHeat: reading the time profile</source>
      <translation>CrowdHeat：正在读取时间曲线</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="73" />
      <source>No heat in this selection.</source>
      <translation>所选要素没有热力数据。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/profile_tab.py" line="102" />
      <source>Export the time profile</source>
      <translation>导出时间曲线</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/run_panel.py" line="24" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/run_panel.py" line="56" />
      <source>CrowdHeat's Processing provider is not loaded: restart the plugin.</source>
      <translation>CrowdHeat 的 Processing 提供程序未加载：请重新启用插件。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/run_panel.py" line="85" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="34" />
      <source>WiFi list (mac,rssi,ssid|…)</source>
      <translation>WiFi 列表（mac,rssi,ssid|…）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="35" />
      <source>Access point MAC</source>
      <translation>热点 MAC</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="36" />
      <source>SSID</source>
      <translation>SSID</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="37" />
      <source>Access point signal, dBm</source>
      <translation>热点信号强度（dBm）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="38" />
      <source>Serving cell (mcc,mnc,lac,cellid,signal)</source>
      <translation>服务小区（mcc,mnc,lac,cellid,signal）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="39" />
      <source>Neighbour cells (…|…)</source>
      <translation>邻区（…|…）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="40" />
      <source>Connected access point</source>
      <translation>已连接热点</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="41" />
      <source>MCC</source>
      <translation>MCC</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="42" />
      <source>MNC</source>
      <translation>MNC</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="43" />
      <source>LAC / TAC</source>
      <translation>LAC / TAC</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="44" />
      <source>Cell ID</source>
      <translation>小区 ID</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="45" />
      <source>Cell signal, dBm</source>
      <translation>小区信号强度（dBm）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="46" />
      <source>Technology (GSM, LTE, WIFI…)</source>
      <translation>制式（GSM、LTE、WIFI…）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="47" />
      <source>Network type</source>
      <translation>网络类型</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="48" />
      <source>Serving cell? (true/false)</source>
      <translation>是否服务小区（true/false）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="49" />
      <source>Neighbour cell? (true/false)</source>
      <translation>是否邻区（true/false）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="50" />
      <source>Scan id</source>
      <translation>扫描编号</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="51" />
      <source>Time</source>
      <translation>时间</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="52" />
      <source>Date</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="53" />
      <source>GPS longitude (WGS84)</source>
      <translation>GPS 经度（WGS84）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="54" />
      <source>GPS latitude (WGS84)</source>
      <translation>GPS 纬度（WGS84）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="75" />
      <source>CSV files (*.csv *.txt *.tsv);;All files (*)</source>
      <translation>CSV 文件 (*.csv *.txt *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="77" />
      <source>Scan file</source>
      <translation>扫描文件</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="92" />
      <source>Choose a scan file.</source>
      <translation>请选择扫描文件。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="98" />
      <source>Also draw accuracy circles</source>
      <translation>同时绘制精度圆</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="103" />
      <source>Show invalid / failed rows</source>
      <translation>显示无效 / 失败的行</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="106" />
      <source>Run</source>
      <translation>运行</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="119" />
      <source>One row per scan, Baidu columns</source>
      <translation>每行一次扫描，百度字段</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="120" />
      <source>One row per scan, split cell columns</source>
      <translation>每行一次扫描，基站字段分列</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="121" />
      <source>One row per AP / cell, grouped into scans</source>
      <translation>每行一个 AP / 基站，按扫描分组</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="124" />
      <source>The first row names the columns</source>
      <translation>第一行是列名</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="126" />
      <source>Detected from the first row; untick for files without a header row (their columns are then col1, col2, …).</source>
      <translation>根据第一行自动判断；没有标题行的文件请取消勾选（列名将为 col1、col2、…）。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="131" />
      <source>Encoding</source>
      <translation>编码</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="132" />
      <source>Delimiter</source>
      <translation>分隔符</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="133" />
      <source>Header</source>
      <translation>标题行</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="134" />
      <source>Shape</source>
      <translation>结构</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="141" />
      <source>Columns</source>
      <translation>列</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="175" />
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="220" />
      <source>Recognised: {0}.</source>
      <translation>已识别：{0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="222" />
      <source>Columns recognised by their names: {0}.</source>
      <translation>按列名识别的列：{0}。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="230" />
      <source>Read as {0}. Counting scans…</source>
      <translation>按 {0} 读取。正在统计扫描…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="251" />
      <source>No scan in this file can make a valid request.</source>
      <translation>此文件中没有可以组成有效请求的扫描。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="257" />
      <source>CrowdHeat: cannot read the scan file</source>
      <translation>CrowdHeat：无法读取扫描文件</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="266" />
      <source>Geolocating…</source>
      <translation>正在定位…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="269" />
      <source>Cancelling: the scans done so far are kept…</source>
      <translation>正在取消：已完成的扫描会保留…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="275" />
      <source>CrowdHeat: positioning failed</source>
      <translation>CrowdHeat：定位失败</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/scans_tab.py" line="302" />
      <source>Show {0} invalid / failed rows</source>
      <translation>显示 {0} 条无效 / 失败的行</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="46" />
      <source>Clear cache</source>
      <translation>清空缓存</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="49" />
      <source>Answers cache</source>
      <translation>结果缓存</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="70" />
      <location filename="../../plugin/ui/settings_page.py" line="63" />
      <source>{0} answers cached</source>
      <translation>已缓存 {0} 条结果</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="72" />
      <source>, {0:,.1f} MB</source>
      <translation>，{0:,.1f} MB</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="151" />
      <source>Jike open platform (crowd heat)</source>
      <translation>及刻开放平台（人群热力）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="151" />
      <source>Token</source>
      <translation>令牌（Token）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="160" />
      <source>AK</source>
      <translation>AK</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="160" />
      <source>SK (optional; leave empty for IP-whitelist keys)</source>
      <translation>SK（可选；IP 白名单类型的密钥请留空）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="161" />
      <source>Baidu hardware positioning (scans)</source>
      <translation>百度智能硬件定位（扫描）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="167" />
      <source>Basemaps</source>
      <translation>底图</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="171" />
      <source>A 'browser' key from console.tianditu.gov.cn. Tiles are fetched through a relay inside QGIS, so the key stays out of layers, project files and the log.</source>
      <translation>在 console.tianditu.gov.cn 申请的“浏览器端”密钥。瓦片经 QGIS 内的本机中转获取，密钥不会出现在图层、工程文件和日志中。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="176" />
      <source>Tianditu key</source>
      <translation>天地图密钥</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="209" />
      <source>Test connection</source>
      <translation>测试连接</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="223" />
      <source>(stored in the authentication database; type to replace)</source>
      <translation>（已保存在认证数据库中；输入新值即可替换）</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="246" />
      <source>Overridden by the environment: {0}. Those variables win over these settings.</source>
      <translation>已被环境变量覆盖：{0}。这些变量优先于此处的设置。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="285" />
      <source>Testing…</source>
      <translation>正在测试…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="291" />
      <source>Failed: {0}</source>
      <translation>失败：{0}</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/settings_page.py" line="327" />
      <source>CrowdHeat settings</source>
      <translation>CrowdHeat 设置</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/time_profile.py" line="22" />
      <source>Click an hour to show it on the map (Temporal Controller).</source>
      <translation>点击某个小时，在地图上显示该时刻（时间控制器）。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="51" />
      <source>Choose an hourly heat layer (fetch one first).</source>
      <translation>请选择逐小时热力图层（先获取一次热力）。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="54" />
      <source>Make your zone layer (polygons, any CRS) the active layer.</source>
      <translation>请把分区图层（多边形，任意坐标系）设为当前图层。</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="63" />
      <source>{0:,} selected zones of {1}</source>
      <translation>{1} 中已选的 {0:,} 个分区</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="66" />
      <source>All {0:,} zones of {1}</source>
      <translation>{1} 的全部 {0:,} 个分区</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="75" />
      <source>Sharing heat out to the zones…</source>
      <translation>正在把热力分配到分区…</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="83" />
      <source>CrowdHeat: heat by zone failed</source>
      <translation>CrowdHeat：分区热力计算失败</translation>
    </message>
    <message>
      <location filename="../../plugin/ui/zone_box.py" line="86" />
      <source>Heat by zone cancelled.</source>
      <translation>分区热力已取消。</translation>
    </message>
    <message>
      <source>Basemap '{0}' is not known: give none, osm, gaode, or an XYZ URL template such as https://tiles.example/{{z}}/{{x}}/{{y}}.png</source>
      <translation type="obsolete">未知底图“{0}”：请填写 none、osm、gaode，或 XYZ URL 模板，例如 https://tiles.example/{{z}}/{{x}}/{{y}}.png</translation>
    </message>
    <message>
      <source>Basemap '{0}' is not known: give none, osm, gaode, or an XYZ URL template such as https://tiles.example/{{z}}/{{x}}/{{y}}.png (gcj02: before it when its streets are drawn in GCJ-02)</source>
      <translation type="obsolete">未知底图“{0}”：请填写 none、osm、gaode，或 XYZ URL 模板，例如 https://tiles.example/{{z}}/{{x}}/{{y}}.png（街道按 GCJ-02 绘制时在前面加 gcj02:）</translation>
    </message>
    <message>
      <source>Basemap '{0}' is not known: give none, osm, gaode, tianditu, or an XYZ URL template such as https://tiles.example/{{z}}/{{x}}/{{y}}.png (gcj02: before it when its streets are drawn in GCJ-02)</source>
      <translation type="obsolete">未知底图“{0}”：请填写 none、osm、gaode、tianditu，或 XYZ 地址模板，如 https://tiles.example/{{z}}/{{x}}/{{y}}.png（街道为 GCJ-02 坐标时在前面加 gcj02:）</translation>
    </message>
    <message>
      <source>Basemap (none, osm, gaode, or an XYZ URL template)</source>
      <translation type="obsolete">底图（none、osm、gaode，或 XYZ URL 模板）</translation>
    </message>
    <message>
      <source>Basemap (none, osm, gaode, tianditu, or an XYZ URL template)</source>
      <translation type="obsolete">底图（none、osm、gaode、tianditu，或 XYZ 地址模板）</translation>
    </message>
    <message>
      <source>Could not save: {0}</source>
      <translation type="obsolete">无法保存：{0}</translation>
    </message>
    <message>
      <source>Heat by zone done.</source>
      <translation type="obsolete">分区热力计算完成。</translation>
    </message>
    <message>
      <source>Heat by zone failed.</source>
      <translation type="obsolete">分区热力计算失败。</translation>
    </message>
    <message>
      <source>Relative crowd heat of S2 cells: Jike open platform (及刻开放平台), {0}, Beijing time.</source>
      <translation type="obsolete">S2 格网相对人群热度：及刻开放平台，{0}，北京时间。</translation>
    </message>
    <message>
      <source>Stopped early: the archive holds every answer received so far.</source>
      <translation type="obsolete">提前停止:存档已保存到目前为止收到的所有结果。</translation>
    </message>
    <message>
      <source>The Temporal Controller's animation of an hourly heat layer (or an archive) as a file: one frame per hour with its date and hour, the legend (the same classes in every frame), a scale bar and the attribution, over a basemap (none, osm, gaode, or an XYZ URL template with {x}, {y}, {z}). Empty START and END: the last day of the data. A .gif is always written; an .mp4 needs ffmpeg on the PATH.</source>
      <translation type="obsolete">将逐时热度图层（或存档）的时间控制器动画导出为文件：每小时一帧，标注日期和小时，附图例（每帧分级相同）、比例尺和来源说明，可叠加底图（none、osm、gaode，或含 {x}、{y}、{z} 的 XYZ URL 模板）。START 和 END 留空：数据的最后一天。总能写出 .gif；.mp4 需要 PATH 中有 ffmpeg。</translation>
    </message>
    <message>
      <source>The Temporal Controller's animation of an hourly heat layer (or an archive) as a file: one frame per hour with its date and hour, the legend (the same classes in every frame), a scale bar and the attribution, over a basemap (none, osm, gaode, tianditu, or an XYZ URL template with {x}, {y}, {z}). Empty START and END: the last day of the data. A .gif is always written; an .mp4 needs ffmpeg on the PATH.</source>
      <translation type="obsolete">将逐小时热力图层（或存档）的时间控制器动画写成文件：每小时一帧，标注日期和小时，图例（各帧分级相同）、比例尺和来源说明，叠加在底图上（none、osm、gaode、tianditu，或含 {x}、{y}、{z} 的 XYZ 地址模板）。START 和 END 为空时取数据的最后一天。总能写出 .gif；.mp4 需要 PATH 中有 ffmpeg。</translation>
    </message>
    <message>
      <source>The heat is in {0} and {1} draws its streets in {2}: in China they lie a few hundred metres apart. Fetch the heat with the basemap's output coordinates (COORD_OUT), or choose another basemap.</source>
      <translation type="obsolete">热度坐标为 {0}，而 {1} 的街道按 {2} 绘制：在中国境内两者相差数百米。请按底图的坐标系获取热度（COORD_OUT），或换用其他底图。</translation>
    </message>
    <message>
      <source>⚠ {0} draws its streets in GCJ-02: heat in other coordinates lands a few hundred metres off them in China. Choose GCJ-02 output coordinates.</source>
      <translation type="obsolete">⚠ {0} 的街道按 GCJ-02 绘制：其他坐标的热度在中国境内会偏离街道数百米。请选择 GCJ-02 输出坐标。</translation>
    </message>
  </context>
</TS>
