#!/usr/bin/env python3
"""`efactuur serve` under attack, measured from outside as a user would.

Starts the release server on a free loopback port with its default limits, creates two
organisations with connection keys through the CLI, then for --seconds:
  - two attackers (from 127.0.0.2, so the login throttle does not count them against the prober's
    address) send the worst shapes in turn: 200,000 attributes on one tag, 200,000 namespace
    declarations, a 9.9 MB envelope of empty elements, 100,000 nested elements, a body that never
    ends, wrong logins, and GetDocumentPdf of an invoice whose item name is one 60,000-character word;
  - a third holds 200 connections that trickle their request heads (slowloris);
  - a prober, from 127.0.0.1, asks /health and Login (the right key) every 20 ms.
Prints, per shape, how long one request of size n and of 2n takes alone (linear or not), then the
prober's latencies (p50, p99, max) and failures under attack, and the server's peak RSS.

Usage: swift build -c release --product efactuur && python3 bench/attack.py [--seconds 60]
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOAP = 'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v3="http://api.everbinding.nl/v3/"'


def envelope(body, header=""):
    return f'<soap:Envelope {SOAP}>{header}<soap:Body>{body}</soap:Body></soap:Envelope>'.encode()


def token_header(token):
    return f"<soap:Header><v3:Authentication><v3:SecurityToken>{token}</v3:SecurityToken></v3:Authentication></soap:Header>"


def login_body(key, secret):
    return envelope(f"<v3:Login><v3:ConsumerKey>{key}</v3:ConsumerKey><v3:ConsumerSecret>{secret}</v3:ConsumerSecret></v3:Login>")


# The worst shapes (refused by the reader's linear pass) and the densest shapes it still accepts
# (parsed in full): each costs time and memory in proportion to its size.
SHAPES = {
    "attributes": lambda n: envelope("<v3:Login" + "".join(f' a{i}=""' for i in range(n)) + "/>"),
    "namespaces": lambda n: envelope("<v3:Login" + "".join(f' xmlns:p{i}="u:{i}"' for i in range(n)) + "/>"),
    "empty elements": lambda n: envelope("<v3:Login>" + "<a/>" * n + "</v3:Login>"),
    "nesting": lambda n: envelope("<a>" * n + "</a>" * n),
    "elements (ok)": lambda n: envelope("<v3:Login>" + "<v3:X>1</v3:X>" * n + "</v3:Login>"),
    "attributes (ok)": lambda n: envelope(
        "<v3:Login>" + ("<v3:X" + "".join(f' attr{i:02}="v"' for i in range(60)) + "/>") * n + "</v3:Login>"),
    "text (ok)": lambda n: envelope("<v3:Login><v3:ConsumerKey>" + "x" * n + "</v3:ConsumerKey></v3:Login>"),
}
SIZES = {
    "attributes": 200_000, "namespaces": 200_000, "empty elements": 2_475_000, "nesting": 100_000,
    "elements (ok)": 700_000, "attributes (ok)": 12_000, "text (ok)": 9_900_000,
}


def post(port, body, source="127.0.0.2", path="/soap/v3", timeout=60):
    """One request on its own connection; returns (status, seconds)."""
    return request(port, "POST", path, body, source, timeout)


def request(port, method, path, body=None, source="127.0.0.1", timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers={"Content-Type": "text/xml; charset=utf-8"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return None, time.monotonic() - started
    finally:
        connection.close()


def cli(binary, data, *arguments):
    output = subprocess.run([binary, *arguments, "--data-dir", data, "--json"], check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/efactuur"))
    parser.add_argument("--seconds", type=int, default=60)
    options = parser.parse_args()

    data = tempfile.mkdtemp(prefix="efactuur-attack-")
    account = cli(options.binary, data, "platform", "account", "create", "--name", "A", "--email", "a@a.nl")["account"]
    cli(options.binary, data, "platform", "org", "create", "--account", account, "--name", "Leverancier", "--kvk", "12345678")
    cli(options.binary, data, "platform", "org", "create", "--account", account, "--name", "Ministerie",
        "--oin", "00000001003214321000")
    keys = cli(options.binary, data, "platform", "keys", "create", "--org", "XCNL10001", "--email", "a@a.nl")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([options.binary, "serve", "--data-dir", data, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        run(options, port, server.pid, keys)
    finally:
        server.kill()
        server.wait()


def run(options, port, pid, keys):
    login = login_body(keys["appKey"], keys["secret"])

    # A stored invoice whose item name is one 60,000-character word, for GetDocumentPdf.
    token = soap_token(port, login)
    typical = os.path.join(ROOT, "..", "shared", "corpus", "si-ubl-2.0", "SI-UBL-2.0_ok_full.xml")
    pdf_request = None
    if token and os.path.exists(typical):
        pdf_request = long_word_pdf_request(port, token, open(typical, "rb").read())

    print("one request alone, at size n and 2n (linear: about twice): answer, time, server CPU, peak RSS growth")
    for name, make in SHAPES.items():
        costs = []
        for n in (SIZES[name] // 2, SIZES[name]):
            body = make(n)
            before, rss_before, peak = cpu_seconds(pid), rss_mib(pid), [0.0]
            done = threading.Event()

            def watch():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mib(pid))
                    time.sleep(0.005)
            watcher = threading.Thread(target=watch)
            watcher.start()
            status, seconds = post(port, body)
            done.set()
            watcher.join()
            costs.append(f"{len(body)/1e6:4.1f} MB → {status} in {seconds*1000:5.0f} ms, CPU {(cpu_seconds(pid)-before)*1000:4.0f} ms,"
                         f" +{max(0, peak[0]-rss_before):4.0f} MiB")
        print(f"  {name:16} {costs[0]};  {costs[1]}")
    if pdf_request:
        before = cpu_seconds(pid)
        status, seconds = post(port, pdf_request, source="127.0.0.1")
        print(f"  {'long-word PDF':15} GetDocumentPdf → {status} in {seconds*1000:6.1f} ms (CPU {(cpu_seconds(pid)-before)*1000:5.0f} ms)")

    stop = time.monotonic() + options.seconds
    attack_bodies = [SHAPES[name](SIZES[name]) for name in ("attributes", "namespaces", "empty elements", "nesting")]
    wrong_login = login_body(keys["appKey"], "wrong")
    peak = [rss_mib(pid)]

    def attacker(offset):
        index = offset
        while time.monotonic() < stop:
            kind = index % 7
            if kind < 4:
                post(port, attack_bodies[kind])
            elif kind == 4:
                stalled(port)
            elif kind == 5:
                for _ in range(20):
                    post(port, wrong_login)
            elif pdf_request:
                post(port, pdf_request, source="127.0.0.1")
            index += 1

    def slowloris():
        held = []
        while time.monotonic() < stop:
            while len(held) < 200:
                try:
                    connection = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0))
                    connection.sendall(b"POST /soap/v3 HTTP/1.1\r\nHost: x\r\n")
                    held.append(connection)
                except OSError:
                    break
            alive = []
            for connection in held:
                try:
                    connection.sendall(b"X")
                    alive.append(connection)
                except OSError:
                    connection.close()
            held = alive
            time.sleep(1)
        for connection in held:
            connection.close()

    def sampler():
        while time.monotonic() < stop:
            peak[0] = max(peak[0], rss_mib(pid))
            time.sleep(0.2)

    threads = [threading.Thread(target=attacker, args=(i * 3,)) for i in range(2)]
    threads += [threading.Thread(target=slowloris), threading.Thread(target=sampler)]
    for thread in threads:
        thread.start()
    health, logins, failures = [], [], 0
    cpu_before = cpu_seconds(pid)
    while time.monotonic() < stop:
        started = time.monotonic()
        status, seconds = request(port, "GET", "/health", timeout=10)
        health.append(seconds) if status == 200 else None
        failures += status != 200
        status, seconds = post(port, login, source="127.0.0.1")
        logins.append(seconds) if status == 200 else None
        failures += status != 200
        time.sleep(max(0, 0.02 - (time.monotonic() - started)))
    for thread in threads:
        thread.join()
    cpu = cpu_seconds(pid) - cpu_before

    def summary(samples):
        if not samples:
            return "none answered"
        samples = sorted(samples)
        p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
        return (f"{len(samples)} answered, p50 {statistics.median(samples)*1000:.1f} ms, "
                f"p99 {p99*1000:.1f} ms, max {samples[-1]*1000:.1f} ms")

    print(f"under attack for {options.seconds} s (server CPU {cpu:.0f} s of {2*options.seconds} available):")
    print(f"  /health: {summary(health)}")
    print(f"  Login:   {summary(logins)}")
    print(f"  probes not answered 200: {failures}; server peak RSS {peak[0]:.0f} MiB")


def stalled(port):
    """A body that never ends: Content-Length larger than what is sent."""
    try:
        connection = socket.create_connection(("127.0.0.1", port), source_address=("127.0.0.2", 0))
        connection.sendall(b"POST /soap/v3 HTTP/1.1\r\nHost: x\r\nContent-Length: 19000000\r\n\r\n" + b"<" * 100_000)
        connection.settimeout(30)
        connection.recv(1)
        connection.close()
    except OSError:
        pass


def soap_token(port, login):
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/soap/v3", body=login, headers={"Content-Type": "text/xml"})
    answer = connection.getresponse().read().decode()
    connection.close()
    start = answer.find("SecurityToken>")
    return answer[start + len("SecurityToken>"):answer.find("<", start)] if start >= 0 else None


def long_word_pdf_request(port, token, invoice):
    """Sends the typical SI-UBL invoice with one item name made a 60,000-character word to the
    customer organisation, and returns the GetDocumentPdf request for it."""
    text = invoice.decode()
    text = text[text.find("<Invoice"):] if text.startswith("<?xml") else text
    start = text.find("<cbc:Name>", text.find("<cac:Item>"))
    end = text.find("</cbc:Name>", start)
    text = text[:start] + "<cbc:Name>" + "W" * 60_000 + text[end:]
    body = (f"<v3:SendDocument><v3:Via><v3:ReferenceId>XCNL10001</v3:ReferenceId></v3:Via>"
            f"<v3:To><v3:ReferenceId>XCNL10002</v3:ReferenceId></v3:To><v3:Subject>Factuur</v3:Subject>"
            f"<v3:Payload>{text}</v3:Payload><v3:TemplateId>GLDT9223370666504283001RA000000006DTP2000001</v3:TemplateId>"
            f"</v3:SendDocument>")
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/soap/v3", body=envelope(body, token_header(token)), headers={"Content-Type": "text/xml"})
    answer = connection.getresponse().read().decode()
    connection.close()
    start = answer.find("ExternalId>")
    if start < 0:
        print("  (the long-word invoice was refused: " + answer[answer.find("<faultstring>"):][:200] + ")")
        return None
    external = answer[start + len("ExternalId>"):answer.find("<", start)]
    return envelope(f"<v3:GetDocumentPdf><v3:ExternalId>{external}</v3:ExternalId></v3:GetDocumentPdf>", token_header(token))


if __name__ == "__main__":
    sys.exit(main())
