/** The report's only stylesheet, inlined: the file must open offline with nothing else. */
export const REPORT_CSS = `
:root{--pass:#15803d;--fail:#b91c1c;--unknown:#a16207;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827}
body{margin:24px auto;max-width:1140px;padding:0 16px;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#4b5563;font-size:13px}.muted{color:#6b7280}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600;font-size:13px;vertical-align:middle}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.unknown{background:var(--unknown)}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{background:#f9fafb;font-weight:600}td.status{font-weight:700}td.pass{color:var(--pass)}td.fail{color:var(--fail)}td.unknown{color:var(--unknown)}
tr:has(td.total) td{font-weight:600;border-top:2px solid #e5e7eb}
figure.chart{margin:0 0 6px}figure.chart svg{display:block;max-width:100%;height:auto}
.legend{font-size:12px;color:#4b5563}.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
ul.notes{font-size:13px}code{font-size:12px}
table.requests td{white-space:nowrap}
`;
