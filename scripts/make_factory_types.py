#!/usr/bin/env python3
"""Builds data/factory_types.csv, the DIW factory type list ecotown validates against.

Sources, in order of trust (see data/factory_types.md):
  1. ../shared/data/codes/diw_factory_type_codes_verified_sample.csv: rows checked against the DIW
     list of the 2020 ministerial regulation, with Thai names and size rules.
  2. data/factory_types_sources.csv: names (and size rules where the same source gives them) found
     for exactly one class code in a cited public source, each row with its regulation, source and
     note; it may only fill a row the verified list leaves empty.
  3. Every class code that DIW's own registry records use (../shared/data/factories-diw-prachinburi):
     the code is real, but its Thai name is not transcribed here yet (empty description_th).
Usage: scripts/make_factory_types.py > data/factory_types.csv
"""
import csv
import os
import sys

HERE = os.path.dirname(__file__)
SHARED = os.path.join(HERE, '..', '..', 'shared')
SOURCES = os.path.join(HERE, '..', 'data', 'factory_types_sources.csv')
REGULATION_2020 = 'กฎกระทรวงกำหนดประเภท ชนิด และขนาดของโรงงาน พ.ศ. 2563'
RULES = ('category1_rule', 'category2_rule', 'category3_rule')


def display(code):
    main, sub = int(code[:3]), int(code[3:])
    return (f'{main}({sub})' if sub else str(main)), main, sub


def read_sources():
    """The per-code names of data/factory_types_sources.csv; stops on a malformed or repeated row."""
    found = {}
    with open(SOURCES, encoding='utf-8') as f:
        for line, r in enumerate(csv.DictReader(f), start=2):
            code = r['class_code']
            if len(code) != 5 or not code.isdigit() or not r['description_th'].strip() or not r['source'].strip():
                sys.exit(f'{SOURCES}:{line}: needs a 5-digit class_code, a description_th and a source')
            if code in found:
                sys.exit(f'{SOURCES}:{line}: {code} is listed twice')
            found[code] = r
    return found


def main():
    rows = {}
    with open(os.path.join(SHARED, 'data/codes/diw_factory_type_codes_verified_sample.csv'), encoding='utf-8') as f:
        for r in csv.DictReader(f):
            disp, main_order, sub = display(r['diw_class_code'])
            rows[r['diw_class_code']] = [r['diw_class_code'], disp, main_order, sub or '', r['description_th'],
                                         r['category1_threshold'], r['category2_threshold'],
                                         r['category3_threshold'], REGULATION_2020]
    sources = read_sources()
    for code, r in sources.items():
        if code in rows:
            sys.exit(f'{SOURCES}: {code} is already named by the verified DIW list; drop it from the sources')
        disp, main_order, sub = display(code)
        rows[code] = [code, disp, main_order, sub or '', r['description_th']] + [r[k] for k in RULES] + [r['regulation']]
    codes = set()
    with open(os.path.join(SHARED, 'data/factories-diw-prachinburi/factories.csv'), encoding='utf-8') as f:
        codes.update(r['ประเภท'].strip() for r in csv.DictReader(f) if r['ประเภท'].strip())
    for code in codes:
        if code in rows:
            continue
        disp, main_order, sub = display(code)
        rows[code] = [code, disp, main_order, sub or '', '', '', '', '', '']
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['class_code', 'disp_class', 'main_order', 'sub_item', 'description_th', 'category1_rule',
                  'category2_rule', 'category3_rule', 'regulation'])
    for code in sorted(rows):
        out.writerow(rows[code])


if __name__ == '__main__':
    main()
