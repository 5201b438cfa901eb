#!/usr/bin/env python3
"""Builds data/factory_types.csv, the DIW factory type list ecotown validates against.

Sources, in order of trust (see data/factory_types.md):
  1. ../shared/data/codes/diw_factory_type_codes_verified_sample.csv: rows checked against the DIW
     list of the 2020 ministerial regulation, with Thai names and size rules.
  2. Names that ../shared/reference/management.md quotes from cited sources (types 88(2), 101, 105).
  3. Every class code that DIW's own registry records use (../shared/data/factories-diw-prachinburi):
     the code is real, but its Thai name is not transcribed here yet (empty description_th).
Usage: scripts/make_factory_types.py > data/factory_types.csv
"""
import csv
import os
import sys

SHARED = os.path.join(os.path.dirname(__file__), '..', '..', 'shared')
REGULATION_2020 = 'กฎกระทรวงกำหนดประเภท ชนิด และขนาดของโรงงาน พ.ศ. 2563'
# Quoted in management.md section 1.3 with the source it cites.
QUOTED = {
    '08802': 'การผลิตพลังงานไฟฟ้าจากพลังงานความร้อน',
    '10100': 'โรงงานปรับคุณภาพของเสียรวม',
    '10500': 'โรงงานคัดแยกหรือฝังกลบสิ่งปฏิกูลหรือวัสดุที่ไม่ใช้แล้ว',
}


def display(code):
    main, sub = int(code[:3]), int(code[3:])
    return (f'{main}({sub})' if sub else str(main)), main, sub


def main():
    rows = {}
    with open(os.path.join(SHARED, 'data/codes/diw_factory_type_codes_verified_sample.csv'), encoding='utf-8') as f:
        for r in csv.DictReader(f):
            disp, main_order, sub = display(r['diw_class_code'])
            rows[r['diw_class_code']] = [r['diw_class_code'], disp, main_order, sub or '', r['description_th'],
                                         r['category1_threshold'], r['category2_threshold'],
                                         r['category3_threshold'], REGULATION_2020]
    codes = set(QUOTED)
    with open(os.path.join(SHARED, 'data/factories-diw-prachinburi/factories.csv'), encoding='utf-8') as f:
        codes.update(r['ประเภท'].strip() for r in csv.DictReader(f) if r['ประเภท'].strip())
    for code in codes:
        if code in rows:
            continue
        disp, main_order, sub = display(code)
        rows[code] = [code, disp, main_order, sub or '', QUOTED.get(code, ''), '', '', '', '']
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['class_code', 'disp_class', 'main_order', 'sub_item', 'description_th', 'category1_rule',
                  'category2_rule', 'category3_rule', 'regulation'])
    for code in sorted(rows):
        out.writerow(rows[code])


if __name__ == '__main__':
    main()
