#!/usr/bin/env python3
"""Bulk seed of resident complaints for the crowd benchmark (bench/run_complaints_bench.sh).

Writes COMPLAINTS complaints straight into a migrated ecotown database (SQLite file or
PostgreSQL URL), in the shape ComplaintService::File and the officers' workflow leave them:
the public filing path costs about 5 ms a complaint, so 200,000 through the API would take
longer than the whole run; this is the documented direct-SQL seed, like registry_seed.py's
import. The organisations must exist (`ecotown org add`); their subdistricts give the points.

Shape: the complaints are spread over the given LAOs (the first gets twice the share), filed
over the last two years with more by day than by night; categories weighted as the demo's
pilot (dust/smoke and odour most common); statuses by age (older ones mostly closed or
resolved, recent ones still received/assigned/investigating); each point lies within ~600 m
of a subdistrict centre of the LAO's district, with that subdistrict as the area; a status
event per step of the workflow and a public reply on a third of the finished ones; contact
details on 60 % (with the current consent version), erased with an erasure event a day after the
default retention period of 365 days as the server's hourly retention sweep leaves them (so that
the server under test does not start by erasing a backlog of ~60,000 in one transaction).

Prints a JSON summary, and with --trackings FILE writes every tracking number with its org code.

Usage: complaints_seed.py --db sqlite:PATH|postgresql://... --orgs banpong,boekphrai,krapyai,phatong
                          [--complaints 200000] [--seed 1] [--trackings FILE]
"""
import argparse
import io
import json
import random
import sys
import time

CATEGORIES = [  # code, weight, default deadline days (modules/complaints/complaint.cc)
    ('dust_smoke', 30, 7), ('odour', 25, 7), ('noise', 15, 7), ('wastewater', 10, 5),
    ('open_burning', 10, 1), ('waste_dumping', 7, 3), ('other', 3, 15)]
ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ'
CONSENT = '2026-11-v1'
DAY = 86400
RETENTION_DAYS = 365  # the default [complaints] retention (modules/complaints/complaint.h)
ERASURE_TEXT = (f'ลบข้อมูลส่วนบุคคลเมื่อครบระยะเวลาเก็บรักษา {RETENTION_DAYS} วัน / '
                'personal data erased after the retention period')  # ComplaintService::EraseExpired
DESCRIPTIONS = {
    'dust_smoke': ['ฝุ่นจากลานกองวัตถุดิบฟุ้งเข้าบ้านเรือนทุกเช้า', 'ควันดำจากปล่องโรงงานช่วงกลางคืน'],
    'odour': ['กลิ่นเหม็นจากบ่อบำบัดน้ำเสียของฟาร์มสุกร', 'กลิ่นมันสำปะหลังหมักรบกวนทั้งหมู่บ้าน'],
    'noise': ['เสียงเครื่องจักรดังตลอดคืนจนนอนไม่หลับ', 'เสียงรถบรรทุกเข้าออกโรงงานตอนตีสาม'],
    'wastewater': ['น้ำเสียสีดำไหลลงคลองข้างวัด', 'ท่อระบายน้ำเสียจากโรงงานลงลำรางสาธารณะ'],
    'open_burning': ['เผาตอซังข้าวในที่โล่งควันเต็มถนน', 'เผาขยะกองใหญ่หลังตลาด'],
    'waste_dumping': ['ลักลอบทิ้งกากอุตสาหกรรมริมถนน', 'ทิ้งขยะก่อสร้างในที่ดินว่างเปล่า'],
    'other': ['ต้นไม้ล้มขวางทางระบายน้ำ', 'น้ำท่วมขังส่งกลิ่นเหม็นหน้าโรงเรียน'],
}
REPLIES = ['เจ้าหน้าที่ลงพื้นที่ตรวจสอบและแจ้งให้ผู้ประกอบการปรับปรุงแล้ว',
           'ได้ประสานผู้ประกอบการให้แก้ไขภายใน 7 วัน', 'ตรวจสอบแล้วไม่พบเหตุตามที่แจ้ง']


def connect(url):
    if url.startswith('sqlite:'):
        import sqlite3
        conn = sqlite3.connect(url[len('sqlite:'):])
        conn.execute('PRAGMA journal_mode=WAL')
        return conn, 'sqlite'
    import psycopg2
    return psycopg2.connect(url), 'postgres'


def query(conn, sql, params=()):
    cur = conn.cursor()
    cur.execute(sql, params)
    return cur.fetchall()


def status_path(age_days, rnd):
    """The statuses a complaint went through, oldest first, by how long ago it was filed."""
    r = rnd.random()
    if age_days < 2:
        return ['received'] if r < 0.7 else ['received', 'assigned']
    if age_days < 30:
        if r < 0.15:
            return ['received']
        if r < 0.35:
            return ['received', 'assigned']
        if r < 0.6:
            return ['received', 'assigned', 'investigating']
        if r < 0.9:
            return ['received', 'assigned', 'investigating', 'resolved']
        return ['received', 'rejected']
    if r < 0.02:
        return ['received', 'assigned', 'investigating']
    if r < 0.12:
        return ['received', 'rejected']
    if r < 0.3:
        return ['received', 'assigned', 'investigating', 'resolved']
    return ['received', 'assigned', 'investigating', 'resolved', 'closed']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--db', required=True)
    ap.add_argument('--orgs', required=True)
    ap.add_argument('--complaints', type=int, default=200000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--trackings')
    ap.add_argument('--points', help='writes "org<TAB>lat<TAB>lon" for each subdistrict centre of each LAO')
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    conn, dialect = connect(args.db)
    started = time.time()
    now = int(time.time())

    orgs = []
    for code in args.orgs.split(','):
        rows = query(conn, 'SELECT id, district_code, province_code FROM orgs WHERE code = %s'.replace(
            '%s', '?' if dialect == 'sqlite' else '%s'), (code,))
        if not rows:
            sys.exit(f'organisation {code} not found: add it with `ecotown org add` first')
        org_id, district, province = rows[0]
        areas = query(conn, 'SELECT code, name_th, name_en, lat, lon FROM subdistricts WHERE district_code = {0} '
                      'AND lat IS NOT NULL ORDER BY code'.format('?' if dialect == 'sqlite' else '%s'), (district,))
        if not areas:
            sys.exit(f'organisation {code}: no subdistrict with a position in district {district}')
        prefix = ''.join(c for c in code.upper() if c.isalpha())[:2] or 'CP'
        orgs.append({'id': org_id, 'code': code, 'areas': areas, 'prefix': prefix})
    weights = [2] + [1] * (len(orgs) - 1)
    id_base = query(conn, 'SELECT COALESCE(MAX(id), 0) FROM complaints')[0][0]
    event_base = query(conn, 'SELECT COALESCE(MAX(id), 0) FROM complaint_events')[0][0]

    complaints, events, trackings = [], [], set()
    tracking_rows = []
    last_closed = {}
    event_id = event_base
    cat_codes = [c[0] for c in CATEGORIES]
    cat_weights = [c[1] for c in CATEGORIES]
    deadline_days = {c[0]: c[2] for c in CATEGORIES}
    for n in range(args.complaints):
        cid = id_base + n + 1
        org = rnd.choices(orgs, weights)[0]
        # Two years back, more by day (06-20 Bangkok) than by night.
        day = rnd.randrange(730)
        hour = rnd.choices(range(24), [1] * 6 + [4] * 14 + [1] * 4)[0]
        created = now - day * DAY - (now % DAY) + (hour - 7) * 3600 + rnd.randrange(3600)
        created = min(created, now - 60)
        category = rnd.choices(cat_codes, cat_weights)[0]
        code, name_th, name_en, alat, alon = rnd.choice(org['areas'])
        lat = round(alat + rnd.uniform(-0.005, 0.005), 6)
        lon = round(alon + rnd.uniform(-0.005, 0.005), 6)
        year_be = time.gmtime(created + 7 * 3600).tm_year + 543
        while True:
            tracking = f"{org['prefix']}-{year_be}-" + ''.join(rnd.choice(ALPHABET) for _ in range(5))
            if tracking not in trackings:
                trackings.add(tracking)
                break
        path = status_path((now - created) / DAY, rnd)
        if rnd.random() < 0.03 and org['id'] in last_closed:
            path = ['received', 'merged']
        at = created
        for i, status in enumerate(path):
            if i:
                at = min(now - 1, at + rnd.randrange(3600, 6 * DAY))
            event_id += 1
            events.append((event_id, cid, org['id'], at, 'status', status, '', 'ระบบ' if i == 0 else 'เจ้าหน้าที่'))
        final = path[-1]
        resolved_at = closed_at = None
        if final in ('resolved', 'closed'):
            resolved_at = events[-1 - (final == 'closed')][3]
            if rnd.random() < 0.33:
                event_id += 1
                events.append((event_id, cid, org['id'], resolved_at, 'public_reply', None, rnd.choice(REPLIES),
                               'เจ้าหน้าที่'))
        if final in ('closed', 'rejected', 'merged'):
            closed_at = at
        merged_into = last_closed.get(org['id']) if final == 'merged' else None
        has_contact = rnd.random() < 0.6
        erased_at = None  # the contact goes, the consent record stays (SqlComplaintStore::ErasePersonalData)
        if has_contact and created < now - RETENTION_DAYS * DAY:
            erased_at = min(now - 60, created + (RETENTION_DAYS + 1) * DAY)
            event_id += 1
            events.append((event_id, cid, org['id'], erased_at, 'erasure', None, ERASURE_TEXT, 'complaint-retention'))
        complaints.append((
            cid, org['id'], tracking, category, rnd.choice(DESCRIPTIONS[category]), lat, lon,
            f'หมู่ {rnd.randint(1, 15)} {name_th}', code, name_th, name_en, created - rnd.randrange(0, 3 * 3600),
            final, 'ไม่อยู่ในอำนาจหน้าที่' if final == 'rejected' else None, merged_into,
            'ผู้ร้องเรียน' if has_contact and not erased_at else None, None,
            f'08{rnd.randrange(10**8):08d}' if has_contact and not erased_at else None,
            CONSENT if has_contact else None, created if has_contact else None,
            'open311' if rnd.random() < 0.1 else 'web', created + deadline_days[category] * DAY, created, at,
            resolved_at, closed_at, erased_at))
        if final in ('closed', 'resolved'):
            last_closed[org['id']] = cid
        tracking_rows.append((tracking, org['code']))

    columns = ('id, org_id, tracking, category, description, lat, lon, address, area_code, area_name_th, '
               'area_name_en, observed_at, status, reject_reason, merged_into, contact_name, contact_email, '
               'contact_phone, consent_version, consent_at, source, deadline_at, created_at, updated_at, '
               'resolved_at, closed_at, personal_erased_at')
    event_columns = 'id, complaint_id, org_id, at, kind, status, text, actor_name'
    if dialect == 'sqlite':
        marks = ', '.join('?' * len(complaints[0]))
        conn.executemany(f'INSERT INTO complaints ({columns}) VALUES ({marks})', complaints)
        conn.executemany(f'INSERT INTO complaint_events ({event_columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', events)
        conn.commit()
        conn.execute('ANALYZE')
        conn.commit()
    else:
        cur = conn.cursor()

        def copy(table, cols, rows):
            buf = io.StringIO()
            for row in rows:
                buf.write('\t'.join('\\N' if v is None else str(v).replace('\\', '\\\\').replace('\t', ' ')
                                    for v in row) + '\n')
            buf.seek(0)
            cur.copy_expert(f'COPY {table} ({cols}) FROM STDIN', buf)

        copy('complaints', columns, complaints)
        copy('complaint_events', event_columns, events)
        # The identity columns go on after the seeded ids.
        cur.execute("SELECT setval(pg_get_serial_sequence('complaints', 'id'), (SELECT MAX(id) FROM complaints))")
        cur.execute("SELECT setval(pg_get_serial_sequence('complaint_events', 'id'), "
                    "(SELECT MAX(id) FROM complaint_events))")
        conn.commit()
        conn.autocommit = True
        cur.execute('VACUUM ANALYZE complaints')
        cur.execute('VACUUM ANALYZE complaint_events')
    if args.trackings:
        with open(args.trackings, 'w') as out:
            for tracking, code in tracking_rows:
                out.write(f'{tracking}\t{code}\n')
    if args.points:
        with open(args.points, 'w') as out:
            for org in orgs:
                for area in org['areas']:
                    out.write(f"{org['code']}\t{area[3]}\t{area[4]}\n")
    by_status = {}
    for c in complaints:
        by_status[c[12]] = by_status.get(c[12], 0) + 1
    print(json.dumps({'complaints': len(complaints), 'events': len(events), 'orgs': [o['code'] for o in orgs],
                      'by_status': by_status, 'seconds': round(time.time() - started, 1)}))


if __name__ == '__main__':
    main()
