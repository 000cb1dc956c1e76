#!/usr/bin/env python3
"""Writes the labelled data corpus for the scanner's data half (issue 21) with its manifest.

Output: tests/Gauntlet.Scanner.Tests/Fixtures/data-corpus/
  pii/people.csv      one column per detector; every cell labelled in manifest.json ("cells"):
                      valid values (expected category) and invalid ones (failed checksum or rule:
                      expected null, must NOT be reported as the category)
  pii/people.jsonl    the same records as JSON Lines
  pii/clean.csv       product data with numbers, ids, versions, timestamps: no personal data
  splits/*            leaking and clean train/test pairs; manifest.json ("splits") gives the
                      planted exact and near duplicates, the leaking feature and the shifted column
  bad/*               invalid UTF-8, broken JSON, truncated NPZ
Run: /usr/bin/python3 tools/data-corpus/make_data_corpus.py  (seeded; numpy only for the NPZ files)
"""
import csv, io, json, os, random, zipfile
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'Gauntlet.Scanner.Tests', 'Fixtures', 'data-corpus')
rng = random.Random(21)
FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Radia', 'Edsger', 'Frances', 'John', 'Sophie', 'Tim']
LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Perlman', 'Dijkstra', 'Allen', "O'Neil", 'Wilson', 'Berners-Lee']
DOMAINS = ['example.com', 'mail.example.org', 'corp.example.co.uk', 'uni.example.edu']


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card(valid):
    prefix, length = rng.choice([('4', 16), ('51', 16), ('55', 16), ('2221', 16), ('34', 15), ('37', 15), ('6011', 16), ('3530', 16)])
    body = prefix + ''.join(rng.choice('0123456789') for _ in range(length - len(prefix) - 1))
    check = luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    digits = body + check
    if length == 16 and rng.random() < 0.7:
        return ' '.join(digits[i:i + 4] for i in range(0, 16, 4))
    if length == 15 and rng.random() < 0.5:
        return f'{digits[:4]} {digits[4:10]} {digits[10:]}'
    return digits


def ssn(valid):
    if valid:
        area = rng.choice([a for a in range(1, 900) if a != 666])
        return f'{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}'
    kind = rng.randrange(5)
    area = [0, 666, rng.randint(900, 999), rng.randint(1, 665), rng.randint(1, 665)][kind]
    group = 0 if kind == 3 else rng.randint(1, 99)
    serial = 0 if kind == 4 else rng.randint(1, 9999)
    return f'{area:03d}-{group:02d}-{serial:04d}'


IBAN_SHAPES = {'GB': ('WEST', 14), 'DE': ('', 18), 'FR': ('', 23), 'NL': ('ABNA', 10), 'ES': ('', 20), 'IT': ('X', 22)}


def iban(valid):
    country = rng.choice(sorted(IBAN_SHAPES))
    letters, digits = IBAN_SHAPES[country]
    bban = letters + ''.join(rng.choice('0123456789') for _ in range(digits))
    rearranged = bban + country + '00'
    number = int(''.join(str(int(c, 36)) for c in rearranged))
    check = 98 - number % 97
    if not valid:
        check = (check + rng.randint(1, 96)) % 97 + 2 if check < 97 else 3
        check = min(check, 99)
        if (98 - number % 97) == check:
            check = check + 1 if check < 99 else check - 1
    text = f'{country}{check:02d}{bban}'
    return ' '.join(text[i:i + 4] for i in range(0, len(text), 4)) if rng.random() < 0.5 else text


def nhs(valid):
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        check = 0 if check == 11 else check
        if check == 10:
            continue
        if not valid:
            check = (check + rng.randint(1, 9)) % 10
            total = sum(x * (10 - i) for i, x in enumerate(d)) % 11
            if (11 - total) % 11 == check:
                continue
        s = ''.join(map(str, d)) + str(check)
        return f'{s[:3]} {s[3:6]} {s[6:]}'


def phone(valid):
    if not valid:
        return rng.choice(['12345', 'n/a', '555', '0', 'unknown'])
    kind = rng.randrange(4)
    if kind == 0:
        return f'+44 20 {rng.randint(7000, 7999)} {rng.randint(1000, 9999)}'
    if kind == 1:
        return f'+1{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}'
    if kind == 2:
        return f'({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}'
    return f'0{rng.randint(1100, 7999)} {rng.randint(100000, 999999)}'


def ip(valid):
    if not valid:
        return rng.choice([f'{rng.randint(256, 999)}.1.1.1', '10.0.0', 'localhost', f'1.2.{rng.randint(300, 400)}.4'])
    if rng.random() < 0.7:
        return '.'.join(str(rng.randint(1, 254)) for _ in range(4))
    return f'2001:db8:{rng.randint(0, 65535):x}::{rng.randint(1, 65535):x}'


def dob(valid):
    if not valid:
        return rng.choice(['1984-02-30', '2001-13-01', 'unknown', '31/31/1990'])
    y, m, d = rng.randint(1930, 2005), rng.randint(1, 12), rng.randint(1, 28)
    return f'{y}-{m:02d}-{d:02d}' if rng.random() < 0.5 else f'{d:02d}/{m:02d}/{y}'


def email(valid):
    local = f'{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower().replace(chr(39), "")}{rng.randint(1, 99)}'
    if not valid:
        return rng.choice([local + '@', '@' + rng.choice(DOMAINS), local + '@localhost', local + ' at example.com'])
    return f'{local}@{rng.choice(DOMAINS)}'


def name(valid):
    return f'{rng.choice(FIRST)} {rng.choice(LAST)}' if valid else ''


COLUMNS = [('email', 'email', email), ('phone', 'phone', phone), ('ssn', 'ssn', ssn), ('iban', 'iban', iban),
           ('card_number', 'payment-card', card), ('nhs_number', 'nhs-number', nhs), ('client_ip', 'ip-address', ip),
           ('date_of_birth', 'date-of-birth', dob), ('full_name', 'person-name', name)]


def main():
    for sub in ('pii', 'splits', 'bad'):
        os.makedirs(os.path.join(OUT, sub), exist_ok=True)
    rows, cells = [], []
    for r in range(200):
        row = {'id': str(1000 + r)}
        for column, category, make in COLUMNS:
            valid = rng.random() < 0.7
            value = make(valid)
            row[column] = value
            cells.append({'row': r, 'line': r + 2, 'column': column, 'value': value, 'expected': category if valid and value else None,
                          'detector': category})
        row['amount'] = f'{rng.uniform(1, 5000):.2f}'
        row['note'] = rng.choice(['', 'renewal', 'call back next week', 'paid in full'])
        rows.append(row)
    header = ['id'] + [c for c, _, _ in COLUMNS] + ['amount', 'note']
    with open(os.path.join(OUT, 'pii', 'people.csv'), 'w', newline='', encoding='utf-8') as f:
        w = csv.DictWriter(f, header, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(OUT, 'pii', 'people.jsonl'), 'w', encoding='utf-8') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')

    # Clean data: prices, quantities, SKUs, versions with three parts, ISO timestamps, long ids.
    with open(os.path.join(OUT, 'pii', 'clean.csv'), 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['sku', 'product', 'price', 'qty', 'version', 'updated_at', 'order_id', 'ratio'])
        for r in range(300):
            w.writerow([f'SKU-{rng.randint(10000, 99999)}', rng.choice(['lamp', 'desk', 'chair', 'shelf', 'rug']), f'{rng.uniform(5, 900):.2f}',
                        rng.randint(1, 40), f'{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}',
                        f'2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z',
                        rng.randint(10**6, 10**7), f'{rng.random():.6f}'])

    splits = []
    def table(n, leak_label=False, offset=0.0):
        out = []
        for _ in range(n):
            label = rng.randint(0, 2)
            feats = [f'{rng.gauss(label + offset, 1.0):.4f}' for _ in range(4)] + [rng.choice(['red', 'green', 'blue', 'amber']) for _ in range(6)]
            if leak_label:
                feats.append(['neg', 'neutral', 'pos'][label])
            out.append(feats + [str(label)])
        return out
    base = ['f0', 'f1', 'f2', 'f3', 'c0', 'c1', 'c2', 'c3', 'c4', 'c5']

    def write(path, header, data):
        with open(os.path.join(OUT, 'splits', path), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(header)
            w.writerows(data)

    # Leaking pair: 20 exact copies, 15 near copies (one of ten features changed), a feature that encodes the label.
    train = table(600, leak_label=True)
    test = table(200, leak_label=True)
    exact_idx = list(range(0, 40, 2))
    near_idx = list(range(41, 71, 2))
    for t in exact_idx:
        test[t] = list(train[rng.randrange(600)])
    for t in near_idx:
        row = list(train[rng.randrange(600)])
        row[4] = 'violet'
        test[t] = row
    write('leaking_train.csv', base + ['sentiment_code', 'label'], train)
    write('leaking_test.csv', base + ['sentiment_code', 'label'], test)
    splits.append({'train': 'splits/leaking_train.csv', 'test': 'splits/leaking_test.csv', 'exact': exact_idx, 'near': near_idx,
                   'label_leak': ['sentiment_code'], 'shifted': ['c0'],
                   'note': "the near copies carry c0 = 'violet', a category absent from train, so c0's distribution shifts too (PSI)"})
    write('clean_train.csv', base + ['label'], table(600))
    write('clean_test.csv', base + ['label'], table(200))
    splits.append({'train': 'splits/clean_train.csv', 'test': 'splits/clean_test.csv', 'exact': [], 'near': [], 'label_leak': [], 'shifted': []})
    write('shifted_train.csv', base + ['label'], table(600))
    write('shifted_test.csv', base + ['label'], table(200, offset=1.5))
    splits.append({'train': 'splits/shifted_train.csv', 'test': 'splits/shifted_test.csv', 'exact': [], 'near': [], 'label_leak': [],
                   'shifted': ['f0', 'f1', 'f2', 'f3']})

    # Bad input.
    with open(os.path.join(OUT, 'bad', 'invalid_utf8.csv'), 'wb') as f:
        f.write(b'name,email\nZo\xe9 Smith,zoe.smith@example.com\nBad \xff\xfe bytes,x\xc3@example.com\nAda Lovelace,ada@example.com\n')
    with open(os.path.join(OUT, 'bad', 'broken.json'), 'w', encoding='utf-8') as f:
        f.write('[{"email": "ada@example.com", "name": "Ada Lovelace"},\n {"email": "alan@example.com", "name": ')
    with open(os.path.join(OUT, 'bad', 'broken_lines.jsonl'), 'w', encoding='utf-8') as f:
        f.write('{"email": "ada@example.com"}\n{"email": "alan@exa\n{"email": "grace@example.com"}\n')
    buffer = io.BytesIO()
    np.savez(buffer, emails=np.array(['ada@example.com', 'alan@example.org', 'grace@example.net']), weights=np.arange(1000, dtype=np.float32))
    data = buffer.getvalue()
    with open(os.path.join(OUT, 'bad', 'truncated.npz'), 'wb') as f:
        f.write(data[: len(data) // 2])
    with open(os.path.join(OUT, 'pii', 'arrays.npz'), 'wb') as f:
        f.write(data)

    manifest = {'generator': 'tools/data-corpus/make_data_corpus.py', 'seed': 21, 'cells_file': 'pii/people.csv', 'cells': cells,
                'clean_files': ['pii/clean.csv'], 'splits': splits,
                'bad': ['bad/invalid_utf8.csv', 'bad/broken.json', 'bad/broken_lines.jsonl', 'bad/truncated.npz']}
    with open(os.path.join(OUT, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
