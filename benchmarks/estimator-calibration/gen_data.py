"""Writes generated machine-like text to /tmp/corpus/data/ (fixed seed): base64 and hex blobs,
server and application logs, CSV, UUID and hash lists, minified JavaScript and CSS.

Usage: python3 gen_data.py [/tmp/corpus]
"""
import base64
import os
import random
import sys

OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else '/tmp/corpus', 'data')
rng = random.Random(11)
docs = []


def blob(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


for k in range(3):
    b64 = base64.encodebytes(blob(rng.choice([900, 1500, 2600]))).decode()
    docs.append(('base64', '-----BEGIN CERTIFICATE-----\n%s-----END CERTIFICATE-----\n' % b64))
    docs.append(('base64', '{"name": "logo.png", "data": "%s"}' % base64.b64encode(blob(1200)).decode()))
for k in range(3):
    raw = blob(rng.choice([600, 1100]))
    lines = ['%08x  %s  |%s|' % (o, ' '.join('%02x' % c for c in raw[o:o + 16]),
                                 ''.join(chr(c) if 32 <= c < 127 else '.' for c in raw[o:o + 16]))
             for o in range(0, len(raw), 16)]
    docs.append(('hexdump', '\n'.join(lines)))
    docs.append(('sha', '\n'.join('%s  %s' % (blob(32).hex(), rng.choice(
        ['src/main.rs', 'lib/util.py', 'README.md', 'build/app.jar', 'docs/index.html']))
        for _ in range(rng.randint(25, 50)))))
paths = ['/api/v1/users', '/api/v1/orders/%d', '/static/app.%s.js', '/login', '/health', '/search?q=%s']
agents = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          'curl/8.4.0', 'python-requests/2.31.0', 'Go-http-client/1.1']
for k in range(3):
    lines = []
    for _ in range(rng.randint(20, 45)):
        p = rng.choice(paths)
        if '%d' in p:
            p = p % rng.randint(1, 99999)
        elif '%s' in p:
            p = p % ''.join(rng.choice('abcdef0123456789') for _ in range(8))
        lines.append('%d.%d.%d.%d - - [%02d/Nov/2026:%02d:%02d:%02d +0000] "%s %s HTTP/1.1" %d %d "-" "%s"' % (
            rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254),
            rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
            rng.choice(['GET', 'GET', 'POST', 'PUT']), p, rng.choice([200, 200, 200, 304, 404, 500]),
            rng.randint(0, 90000), rng.choice(agents)))
    docs.append(('accesslog', '\n'.join(lines)))
levels = ['INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR']
msgs = ['Connection pool exhausted, waiting %d ms', 'Request %s completed in %d ms',
        'Retrying upload of chunk %d (attempt %d)', 'Cache miss for key user:%d:profile',
        'Scheduled job %s finished with status %d', 'Heap usage %d MB of %d MB']
for k in range(3):
    lines = []
    for _ in range(rng.randint(25, 50)):
        m = rng.choice(msgs)
        args = tuple(rng.randint(1, 5000) if f == 'd' else ''.join(rng.choice('0123456789abcdef') for _ in range(12))
                     for f in [c for i, c in enumerate(m) if i > 0 and m[i - 1] == '%'])
        lines.append('2026-11-%02dT%02d:%02d:%02d.%03dZ %-5s [%s] %s - %s' % (
            rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999),
            rng.choice(levels), rng.choice(['main', 'pool-2-thread-1', 'http-nio-8080-exec-4', 'scheduler']),
            rng.choice(['c.e.orders.OrderService', 'c.e.cache.RedisCache', 'o.a.h.c.PoolingConnectionManager']),
            m % args))
        if rng.random() < 0.08:
            lines.append('java.lang.IllegalStateException: pool closed\n\tat com.example.pool.Pool.borrow(Pool.java:%d)\n'
                         '\tat com.example.orders.OrderService.place(OrderService.java:%d)' % (rng.randint(10, 400), rng.randint(10, 400)))
    docs.append(('applog', '\n'.join(lines)))
names = ['Alice Martin', 'Bo Chen', 'Carla Rossi', 'Dmitri Ivanov', 'Emeka Obi', 'Fatima Zahra', 'Gustav Berg']
for k in range(3):
    lines = ['id,name,email,city,amount,date,active']
    for i in range(rng.randint(30, 70)):
        n = rng.choice(names)
        lines.append('%d,%s,%s@example.com,%s,%.2f,2026-%02d-%02d,%s' % (
            rng.randint(1000, 99999), n, n.lower().replace(' ', '.'),
            rng.choice(['Berlin', 'Shanghai', 'Lagos', 'São Paulo', 'Toronto', 'Milano']),
            rng.random() * 10000, rng.randint(1, 12), rng.randint(1, 28), rng.choice(['true', 'false'])))
    docs.append(('csv', '\n'.join(lines)))
    docs.append(('uuid', '\n'.join('%08x-%04x-4%03x-%04x-%012x' % (rng.getrandbits(32), rng.getrandbits(16),
                 rng.getrandbits(12), rng.getrandbits(16) & 0x3fff | 0x8000, rng.getrandbits(48))
                 for _ in range(rng.randint(30, 60)))))
os.makedirs(OUT, exist_ok=True)
for i, (src, text) in enumerate(docs):
    with open(os.path.join(OUT, '5%03d-%s.txt' % (i, src)), 'w', encoding='utf-8') as f:
        f.write(text)
print(len(docs), 'documents,', sum(len(t) for _, t in docs), 'characters')
