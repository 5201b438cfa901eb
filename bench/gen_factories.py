#!/usr/bin/env python3
"""Writes N factories in the shape of DIW's Prachinburi registry extract (the "diw-prachinburi"
import mapping), for the registry benchmark (bench/run_registry_bench.sh).

Every row is a real row of ../shared/data/factories-diw-prachinburi/factories.csv, taken in turn,
with what must be unique made unique: the DIW id (FID), the registration number (running number
= row index, the year and province of the template) and the name (the template's name plus a
number). Coordinates move by up to ~1 km, deterministically, so that the map and distance queries
see spread points. Types, categories, addresses, subdistrict codes, workers, horsepower and
capital stay real.

Usage: bench/gen_factories.py N > factories.csv
"""
import csv
import os
import re
import sys

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'data',
                      'factories-diw-prachinburi', 'factories.csv')
REGISTRATION = re.compile(r'^(จ?)([123])-(\d{1,3}(?:\(\d{1,2}\))?)-(\d+)/(\d{2})(\D{2})$')


def main():
    n = int(sys.argv[1])
    with open(SOURCE, encoding='utf-8', newline='') as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        templates = [r for r in reader if REGISTRATION.match(r['เลขทะเบียน'].strip())]
    out = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator='\n')
    out.writeheader()
    for i in range(n):
        row = dict(templates[i % len(templates)])
        prefix, category, kind, _, year, province = REGISTRATION.match(row['เลขทะเบียน'].strip()).groups()
        row['FID'] = str(1_000_000 + i)
        row['เลขทะเบียน'] = f'{prefix}{category}-{kind}-{100000 + i}/{year}{province}'
        row['ชื่อโรงงาน'] = f"{row['ชื่อโรงงาน'].strip() or row['ผู้ประกอบก'].strip()} {i}"
        # A deterministic jitter of up to ~0.01 degrees.
        dx = ((i * 7919) % 2001 - 1000) / 100000.0
        dy = ((i * 104729) % 2001 - 1000) / 100000.0
        lat = float(row['ละติจูด']) + dy
        lon = float(row['ลองติจูด']) + dx
        row['ละติจูด'] = f'{lat:.6f}'
        row['ลองติจูด'] = f'{lon:.6f}'
        row['geom_lat'] = row['ละติจูด']
        row['geom_lon'] = row['ลองติจูด']
        out.writerow(row)


if __name__ == '__main__':
    main()
