# Independent derivation of the expected counts in test/adapters/csv/corpus.test.ts: Python's csv module reads
# each corpus file; each profile's identity, title, CVE and "resolved" columns are restated from docs/csv.md.
# Run: ASFF_STREAM_CORPUS=/path/to/shared/corpus python3 test/adapters/csv/derive-corpus-counts.py
import csv, io, os, sys, re
CORPUS = os.path.join(os.environ.get('ASFF_STREAM_CORPUS', os.path.join(os.path.dirname(__file__), '../../../../shared/corpus')), 'csv')
BLANK = {'', '-', "'-", 'n/a', 'null'}
def cell(v): v = v.strip(); return '' if v.lower() in BLANK else v
P = {  # profile: (identity, title candidates, cve columns, resolved (column, values))
 'nessus': (['Host','Protocol','Port','Plugin ID'], ['Name','Synopsis','Plugin ID'], ['CVE'], None),
 'tenable-was': (['Host','Protocol','Port','Plugin ID'], ['Name','Synopsis','Plugin ID'], ['CVE'], None),
 'tenable-vm': (['Host','Protocol','Port','Plugin ID'], ['Name','Synopsis','Plugin ID'], ['CVE'], ('Vulnerability State', {'fixed'})),
 'tenable-vm-findings': (['asset.id','protocol','port','definition.id'], ['definition.name','definition.id'], ['definition.cve'], ('state', {'fixed'})),
 'tenable-sc': (['Repository','IP Address','Protocol','Port','Plugin'], ['Plugin Name','Synopsis','Plugin'], ['CVE'], None),
 'openvas': (['IP','Hostname','Port','Port Protocol','NVT OID'], ['NVT Name','NVT OID'], ['CVEs','NVT OID'], None),
 'qualys-vm': (['Network','IP','QID','Port','Protocol','Instance'], ['Title','QID'], ['CVE ID'], ('Vuln Status', {'fixed'})),
 'qualys-pci': (['IP','QID','PORT','PROTOCOL'], ['VULN TITLE','QID'], ['CVEID'], None),
 'qualys-vmdr': (['Asset Id','QID','CVE','Port','Protocol'], ['Title','QID'], ['CVE'], ('Status', {'fixed'})),
 'alertlogic': (['Asset Key','Protocol/Port','Vulnerability ID'], ['Vulnerability'], ['CVE'], None),
 'azure-defender': (['recommendationId'], ['recommendationDisplayName','recommendationName'], [], ('state', {'healthy','notapplicable'})),
 'veracode-sca': (['Issue ID'], ['Title','Library'], ['CVE'], ('Status', {'resolved','fixed','closed'})),
 'prisma-cloud': (['Registry','Repository','Tag','Id','Hostname','Type','CVE ID','Compliance ID','Packages','Source Package','Package Version'], ['CVE ID','Packages','Package Version','Description','Compliance ID'], ['CVE ID'], None),
 'wiz': (['Issue ID'], ['Title'], [], ('Status', {'resolved'})),
 'sysdig': (['Vulnerability ID','Package name','Package version','Package path','Image ID','Registry name','Registry image repository','K8S cluster name','K8S namespace name','K8S workload type','K8S workload name','K8S container name'], ['Vulnerability ID','Package name','Package version'], ['Vulnerability ID'], None),
}
FILES = {  # file: (profile, header row index (0-based), delimiter)
 'IshraqQureshi-data__nessus.csv': ('nessus', 0, ','), 'darkreporter__nessus.csv': ('nessus', 0, ','),
 'defectdojo__Qualys_Sample_Report.csv': ('qualys-vm', 0, ','), 'defectdojo__alertlogic-many_vulns.csv': ('alertlogic', 0, ','),
 'defectdojo__azure_security_center-many_vulns.csv': ('azure-defender', 0, ','), 'defectdojo__intsights-empty_with_error.csv': (None, 0, ','),
 'defectdojo__issue_11102.csv': ('tenable-sc', 0, ','), 'defectdojo__monthly_pci_issue6932.csv': ('qualys-pci', 0, ','),
 'defectdojo__nessus-template.csv': ('nessus', 0, ','), 'defectdojo__nessus_many_vuln.csv': ('tenable-sc', 0, ','),
 'defectdojo__nessus_many_vuln2-all.csv': ('nessus', 0, ','), 'defectdojo__nessus_many_vuln2-default.csv': ('nessus', 0, ','),
 'defectdojo__nessus_new.csv': ('tenable-vm-findings', 0, ';'), 'defectdojo__nessus_was_many_vuln.csv': ('tenable-was', 0, ','),
 'defectdojo__nessus_was_no_vuln.csv': ('tenable-was', 0, ','), 'defectdojo__openvas-many_vuln.csv': ('openvas', 0, ','),
 'defectdojo__openvas-report_using_CVE.csv': ('openvas', 0, ','), 'defectdojo__qualys_vmdr-many_vulns_cve.csv': ('qualys-vmdr', 3, ','),
 'defectdojo__sysdig_reports_empty_with_error.csv': ('sysdig', 0, ','), 'defectdojo__sysdig_reports_many_vul.csv': ('sysdig', 0, ','),
 'defectdojo__tenable_many_vuln.csv': ('tenable-vm', 0, ','), 'defectdojo__twistlock-scan_report_many_vuln.csv': ('prisma-cloud', 0, ','),
 'defectdojo__veracode_sca.csv': ('veracode-sca', 0, ','), 'defectdojo__wiz-multiple_findings.csv': ('wiz', 0, ','),
 'heimdall2__prismacloud_sample.csv': ('prisma-cloud', 0, ','),
}
CVE = re.compile(r'\bCVE-\d{4}-\d{4,}\b', re.I)
print('| file | profile | data rows | ragged | empty | no identity | merged | findings | distinct Ids | archived | with CVE | merged-row |')
print('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|')
for name, (profile, hrow, d) in sorted(FILES.items()):
    raw = open(os.path.join(CORPUS, name), 'rb').read()
    text = raw.decode('utf-8-sig')
    rows = [r for r in csv.reader(io.StringIO(text, newline=''), delimiter=d)]
    if profile is None or not rows:
        print(f'| {name} | – | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |'); continue
    header = rows[hrow]; data = rows[hrow+1:]
    idx = {}
    for i, h in enumerate(header):
        k = ' '.join(h.strip().split()).lower(); idx.setdefault(k, i)
    col = lambda n: idx.get(n.lower(), -1)
    ident, titles, cves, resolved = P[profile]
    ragged = empty = noid = merged = archived = withcve = mergedrow = 0
    findings = []; prev = None; prevrow = None; prevcves = None
    cvecols = {col(c) for c in cves if col(c) >= 0}
    ndata = 0
    for r in data:
        if len(r) == 0 or (len(r) == 1 and r[0] == ''): continue   # blank line
        ndata += 1
        if len(r) != len(header): ragged += 1; continue
        if all(v.strip() == '' for v in r): empty += 1; continue
        key = tuple(cell(r[col(c)]) if col(c) >= 0 else '' for c in ident)
        if all(v == '' for v in key): noid += 1; continue
        rowcves = set(m.upper() for c in cves if col(c) >= 0 for m in (['CVE-' + r[col(c)].strip()] if re.fullmatch(r'\d{4}-\d{4,}', r[col(c)].strip()) else CVE.findall(r[col(c)])))
        if prev is not None and key == prev:
            merged += 1
            if any(r[i] != prevrow[i] for i in range(len(r)) if i not in cvecols): mergedrow += 1
            findings[-1][1].update(rowcves)
            continue
        res = resolved is not None and col(resolved[0]) >= 0 and cell(r[col(resolved[0])]).lower() in resolved[1]
        findings.append((key, set(rowcves), res)); prev = key; prevrow = r
    ids = len(set(f[0] for f in findings))
    archived = sum(1 for f in findings if f[2]); withcve = sum(1 for f in findings if f[1])
    print(f'| {name} | {profile} | {ndata} | {ragged} | {empty} | {noid} | {merged} | {len(findings)} | {ids} | {archived} | {withcve} | {mergedrow} |')
