"""A small authoritative DNS server on loopback, UDP and TCP on one port, with the PyPI `dnslib`
package (0.9.x), for the tests of PeppolDiscovery's resolver.

usage: dns_server.py [--port PORT] [--address 127.0.0.1] [--udp-limit 512] [--verbose] CONFIG

CONFIG is a JSON file (a name ending in .json) or a zone file (dnslib's RR.fromZone: one record a
line, $ORIGIN and $TTL understood). The JSON:

  {"zone": "sml.example",                       SML zone the participants' names are computed in
   "participants": [                             names computed here, independently of the Swift code
     {"id": "0106:12345678",                     scheme:value, without iso6523-actorid-upis::
      "naptr": [{"order": 100, "preference": 10, "flags": "U", "service": "Meta:SMP",
                 "regexp": "!^.*$!https://smp.example!", "replacement": "."}],
      "legacy_cname": "smp.example.",            CNAME at the legacy B-<md5> name
      "legacy_a": "192.0.2.1",                   A record at the legacy name
      "naptr_rcode": "SERVFAIL",                 answer this error code for the NAPTR name instead
      "drop_udp": 1}],                           leave the first N UDP queries for the NAPTR name unanswered
   "records": ["name 60 IN A 192.0.2.2", ...]}   more records, in zone-file syntax

A name with records answers them (following CNAMEs within the data); a name with none answers
NXDOMAIN. Answers over UDP longer than --udp-limit bytes go out truncated (TC set), as dnslib
truncates them: header only. Port 0 (the default) picks a free port for both UDP and TCP.

Once listening, prints one JSON line: {"port": PORT, "names": {ID: {"naptr": NAME, "legacy": NAME}}}
(names without the final dot), then serves until killed. Logs go to stderr.
"""
import argparse
import base64
import hashlib
import json
import sys
import threading

from dnslib import CNAME, NAPTR, QTYPE, RCODE, RR, A, DNSLabel, DNSRecord
from dnslib.server import BaseResolver, DNSError, DNSHandler, DNSLogger, DNSServer

PARTICIPANT_SCHEME = "iso6523-actorid-upis"


def naptr_name(participant, zone):
    """The SML's current scheme: base32 (no padding, lower case) of SHA-256 of the lower-cased id."""
    digest = hashlib.sha256(participant.lower().encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=").lower() + "." + PARTICIPANT_SCHEME + "." + zone


def legacy_name(participant, zone):
    """The older scheme: B- and the MD5 hex of the lower-cased id."""
    return "B-" + hashlib.md5(participant.lower().encode("utf-8")).hexdigest() + "." + PARTICIPANT_SCHEME + "." + zone


def key(name):
    return str(DNSLabel(str(name))).rstrip(".").lower()


class Zone:
    def __init__(self):
        self.records = {}  # lower-cased name -> [RR]
        self.rcodes = {}  # lower-cased name -> rcode
        self.drops = {}  # lower-cased name -> UDP queries still to leave unanswered
        self.lock = threading.Lock()

    def add(self, rr):
        self.records.setdefault(key(rr.rname), []).append(rr)

    def load_zone_text(self, text):
        for rr in RR.fromZone(text):
            self.add(rr)

    def load_json(self, config):
        zone = config.get("zone", "").rstrip(".")
        names = {}
        for p in config.get("participants", []):
            pid = p["id"]
            current, legacy = naptr_name(pid, zone), legacy_name(pid, zone)
            names[pid] = {"naptr": current, "legacy": legacy}
            for n in p.get("naptr", []):
                rdata = NAPTR(
                    n.get("order", 100), n.get("preference", 10), n.get("flags", "U").encode(), n.get("service", "Meta:SMP").encode(),
                    n.get("regexp", "").encode(), n.get("replacement", "."))
                self.add(RR(current, QTYPE.NAPTR, rdata=rdata, ttl=60))
            if "legacy_cname" in p:
                self.add(RR(legacy, QTYPE.CNAME, rdata=CNAME(p["legacy_cname"]), ttl=60))
            if "legacy_a" in p:
                self.add(RR(legacy, QTYPE.A, rdata=A(p["legacy_a"]), ttl=60))
            if "naptr_rcode" in p:
                self.rcodes[key(current)] = getattr(RCODE, p["naptr_rcode"])
            if p.get("drop_udp"):
                self.drops[key(current)] = int(p["drop_udp"])
        for line in config.get("records", []):
            self.load_zone_text(line)
        return names

    def should_drop(self, name):
        with self.lock:
            left = self.drops.get(key(name), 0)
            if left > 0:
                self.drops[key(name)] = left - 1
                return True
            return False


class ZoneResolver(BaseResolver):
    def __init__(self, zone):
        self.zone = zone

    def resolve(self, request, handler):
        reply = request.reply()  # QR, AA and RD as asked, RA set
        qname, qtype = request.q.qname, request.q.qtype
        if key(qname) in self.zone.rcodes:
            reply.header.rcode = self.zone.rcodes[key(qname)]
            return reply
        name = qname
        for hop in range(8):
            rrs = self.zone.records.get(key(name))
            if rrs is None:
                reply.header.rcode = RCODE.NXDOMAIN
                break
            wanted = [rr for rr in rrs if rr.rtype == qtype or qtype == QTYPE.ANY]
            if wanted:
                for rr in wanted:
                    reply.add_answer(rr)
                break
            cnames = [rr for rr in rrs if rr.rtype == QTYPE.CNAME]
            if not cnames:
                break  # the name exists without this type: NODATA
            reply.add_answer(cnames[0])
            name = cnames[0].rdata.label
        return reply


class Handler(DNSHandler):
    udplen = 512

    def get_reply(self, data):
        if self.protocol == "udp" and self.server.resolver.zone.should_drop(DNSRecord.parse(data).q.qname):
            raise DNSError("left unanswered on purpose")  # DNSHandler logs it and sends nothing
        return super().get_reply(data)


def start(resolver, address, port, logger):
    """UDP and TCP servers on one port; with port 0, tries free UDP ports until TCP gets the same."""
    for _ in range(50):
        udp = DNSServer(resolver, address=address, port=port, logger=logger, handler=Handler)
        chosen = udp.server.server_address[1]
        try:
            tcp = DNSServer(resolver, address=address, port=chosen, tcp=True, logger=logger, handler=Handler)
        except OSError:
            udp.server.server_close()
            if port:
                raise
            continue
        return udp, tcp, chosen
    raise OSError("no port free for both UDP and TCP")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("config")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--udp-limit", type=int, default=512)
    parser.add_argument("--verbose", action="store_true")
    a = parser.parse_args()

    Handler.udplen = a.udp_limit
    zone = Zone()
    names = {}
    with open(a.config, encoding="utf-8") as f:
        text = f.read()
    if a.config.endswith(".json"):
        names = zone.load_json(json.loads(text))
    else:
        zone.load_zone_text(text)

    log = "request,reply,truncated,error" if a.verbose else "error"
    logger = DNSLogger(log=log, logf=lambda s: print(s, file=sys.stderr, flush=True))
    udp, tcp, port = start(ZoneResolver(zone), a.address, a.port, logger)
    udp.start_thread()
    tcp.start_thread()
    print(json.dumps({"port": port, "names": names}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
