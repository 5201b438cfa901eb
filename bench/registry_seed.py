#!/usr/bin/env python3
"""The inspection side of the registry benchmark (bench/run_registry_bench.sh), through the API.

Seed mode: logs in as an inspector, plans inspections of imported factories with the shipped
environment checklist and answers every item through the offline sync endpoint (the path a phone
uses), until ANSWERS answers exist; every fifth inspection also gets a finding and a corrective
action. THREADS keep-alive connections work in parallel. Writes a JSON summary to --out.

Requests mode (--requests-only): writes the request list of the latency run ("name<TAB>path",
read by `bench_client latency`) and the PDF request list, using ids from the seed summary.

Usage:
  registry_seed.py --port P --username U --password W [--answers 500000] [--threads 4] --out FILE
  registry_seed.py --port P --token T --requests-only --seed-file FILE --write-requests FILE
                   --pdf-requests FILE
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse


class Client:
    """One keep-alive connection with the session cookie and CSRF token of a login."""

    def __init__(self, port, token=None):
        self.conn = http.client.HTTPConnection('127.0.0.1', port, timeout=120)
        self.headers = {'Authorization': 'Bearer ' + token} if token else {}

    def login(self, username, password):
        status, body, headers = self.call('POST', '/api/v1/session', {'username': username, 'password': password})
        if status != 200:
            sys.exit(f'login failed: {status} {body}')
        cookie = headers.get('Set-Cookie', '').split(';')[0]
        self.headers = {'Cookie': cookie, 'X-CSRF-Token': body['csrf_token']}

    def call(self, method, path, body=None):
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers['Content-Type'] = 'application/json'
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:200]
        return response.status, parsed, dict(response.getheaders())

    def must(self, method, path, body=None, expect=(200, 201)):
        status, parsed, _ = self.call(method, path, body)
        if status not in expect:
            sys.exit(f'{method} {path}: {status} {parsed}')
        return parsed


def items_of(checklist):
    return [item for section in checklist['sections'] for item in section['items']]


def answer_op(item, op_id, at, rnd):
    op = {'id': op_id, 'kind': 'answer', 'at': at, 'item_key': item['key']}
    kind = item['answer_type']
    if kind == 'yes_no':
        op['choice'] = rnd.choices(['yes', 'no', 'na'], weights=[80, 15, 5])[0]
    elif kind == 'score':
        op['number'] = rnd.randint(int(item.get('score_min', 0)), int(item.get('score_max', 5)))
    elif kind == 'measure':
        upper = item.get('upper') if item.get('upper') is not None else 100.0
        op['number'] = round(rnd.uniform(0, upper * 1.3), 1)
    else:
        op['text'] = 'บันทึกการตรวจ ' + op_id[-6:]
    return op


def seed(args):
    admin = Client(args.port)
    admin.login(args.username, args.password)
    me = admin.must('GET', '/api/v1/me')
    user_id = me.get('user', me).get('id') if isinstance(me.get('user', me), dict) else me['id']
    checklists = admin.must('GET', '/api/v1/checklists')
    checklists = checklists['items'] if isinstance(checklists, dict) else checklists
    template = next(c for c in checklists if c['code'] == 'environment')
    checklist = admin.must('GET', f"/api/v1/checklists/{template['id']}")
    items = items_of(checklist)
    factory_ids = []
    after = None
    while len(factory_ids) < 5000:
        page = admin.must('GET', '/api/v1/factories?limit=500' + (f'&after={after}' if after else ''))
        factory_ids += [f['id'] for f in page['items']]
        after = page.get('next_after')
        if not after:
            break
    inspections = -(-args.answers // len(items))
    counter = {'next': 0, 'answers': 0, 'inspections': [], 'findings': 0, 'actions': 0}
    lock = threading.Lock()

    def work(thread_index):
        client = Client(args.port)
        client.headers = dict(admin.headers)
        rnd = random.Random(thread_index)
        while True:
            with lock:
                n = counter['next']
                if n >= inspections:
                    return
                counter['next'] += 1
            factory = factory_ids[n % len(factory_ids)]
            day = 1 + n % 28
            planned = f'2026-{1 + n % 12:02d}-{day:02d}'
            created = client.must('POST', '/api/v1/inspections',
                                  {'factory_id': factory, 'template_id': template['id'], 'inspector_ids': [user_id],
                                   'planned_date': planned})
            inspection_id = created['id'] if 'id' in created else created['inspection']['id']
            at = 1767225600 + n * 60
            ops = [answer_op(item, f'b{n:07d}-{i:04d}', at, rnd) for i, item in enumerate(items)]
            extra = 0
            if n % 5 == 0:
                ops.append({'id': f'b{n:07d}-f', 'kind': 'finding', 'at': at, 'severity': 'high',
                            'description': 'ฝุ่นฟุ้งกระจายจากลานกองวัตถุดิบ', 'item_key': items[0]['key']})
                ops.append({'id': f'b{n:07d}-a', 'kind': 'action', 'at': at, 'title': 'ปิดคลุมกองวัตถุดิบ',
                            'owner': 'ผู้จัดการโรงงาน', 'due_date': f'2026-{1 + n % 12:02d}-28',
                            'finding_op': f'b{n:07d}-f'})
                extra = 1
            for start in range(0, len(ops), 200):
                result = client.must('POST', f'/api/v1/inspections/{inspection_id}/sync', {'ops': ops[start:start + 200]})
                results = result.get('results', result) if isinstance(result, dict) else result
                bad = [r for r in results if r.get('result', r.get('status')) == 'rejected']
                if bad:
                    sys.exit(f'sync rejected: {bad[:2]}')
            with lock:
                counter['answers'] += len(items)
                counter['findings'] += extra
                counter['actions'] += extra
                if len(counter['inspections']) < 50:
                    counter['inspections'].append(inspection_id)

    started = time.time()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summary = {'inspections': inspections, 'answers': counter['answers'], 'items_per_inspection': len(items),
               'findings': counter['findings'], 'actions': counter['actions'], 'inspector_id': user_id,
               'factory_ids': factory_ids[:50], 'inspection_ids': counter['inspections'],
               'seed_seconds': round(time.time() - started, 1)}
    json.dump(summary, open(args.out, 'w'))
    print(json.dumps({k: v for k, v in summary.items() if not k.endswith('_ids')}))


def requests(args):
    s = json.load(open(args.seed_file))
    client = Client(args.port, args.token)
    page = client.must('GET', '/api/v1/factories?limit=50')
    after = page['next_after']
    page3 = client.must('GET', f'/api/v1/factories?limit=50&after={after}')
    f, i = s['factory_ids'], s['inspection_ids']
    q = urllib.parse.quote
    lines = [
        ('factories_list', '/api/v1/factories?limit=50'),
        ('factories_page', f'/api/v1/factories?limit=50&after={page3["next_after"]}'),
        ('factories_status', '/api/v1/factories?status=operating&limit=50'),
        ('factories_type', '/api/v1/factories?type=00906&limit=50'),
        ('factories_category', '/api/v1/factories?category=2&limit=50'),
        ('factories_area', '/api/v1/factories?area=250214&limit=50'),
        ('factories_district', '/api/v1/factories?area=2502&limit=50'),
        ('factories_dates', '/api/v1/factories?registered_from=2005-01-01&registered_to=2008-12-31&limit=50'),
        ('factories_search_name', '/api/v1/factories?q=' + q('มันเส้น') + '&limit=50'),
        ('factories_search_company', '/api/v1/factories?q=' + q('บริษัท') + '&limit=50'),
        ('factories_search_registration', '/api/v1/factories?q=' + q('-123') + '&limit=50'),
        ('factories_search_rare', '/api/v1/factories?q=' + q('ไม่มีชื่อนี้') + '&limit=50'),
        ('factories_combined', '/api/v1/factories?status=operating&category=3&area=25&q=' + q('บริษัท') + '&limit=50'),
        ('factory_one', f'/api/v1/factories/{f[7]}'),
        ('factory_types_search', '/api/v1/factory-types?q=' + q('ใบยาสูบ')),
        ('inspections_list', '/api/v1/inspections?limit=50'),
        ('inspections_status', '/api/v1/inspections?status=in_progress&limit=50'),
        ('inspections_factory', f'/api/v1/inspections?factory_id={f[3]}&limit=50'),
        ('inspections_inspector', f'/api/v1/inspections?inspector_id={s["inspector_id"]}&limit=50'),
        ('inspections_dates', '/api/v1/inspections?from=2026-03-01&to=2026-03-31&limit=50'),
        ('inspection_one', f'/api/v1/inspections/{i[5]}'),
        ('actions_list', '/api/v1/actions?limit=50'),
        ('actions_open', '/api/v1/actions?status=open&limit=50'),
        ('actions_overdue', '/api/v1/actions?overdue=true&limit=50'),
        ('actions_factory', f'/api/v1/actions?factory_id={f[0]}&limit=50'),
    ]
    with open(args.write_requests, 'w') as out:
        for name, path in lines:
            out.write(f'{name}\t{path}\n')
    with open(args.pdf_requests, 'w') as out:
        for n in range(5):
            out.write(f'inspection_pdf\t/api/v1/inspections/{i[n]}/report.pdf\n')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--username')
    parser.add_argument('--password')
    parser.add_argument('--token')
    parser.add_argument('--answers', type=int, default=500000)
    parser.add_argument('--threads', type=int, default=4)
    parser.add_argument('--out')
    parser.add_argument('--requests-only', action='store_true')
    parser.add_argument('--seed-file')
    parser.add_argument('--write-requests')
    parser.add_argument('--pdf-requests')
    args = parser.parse_args()
    if args.requests_only:
        requests(args)
    else:
        seed(args)


if __name__ == '__main__':
    main()
