"""Writes the wrk script the SendDocument benchmarks post: the invoice (with NUMBERX where each
request puts its own number) in a SendDocument envelope with the caller's SecurityToken.

usage: send-lua.py TOKEN INVOICE.xml OUT.lua TO_REFERENCE
"""
import sys

token, invoice, out, to = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
ns = "http://api.everbinding.nl/v3_1/"
body = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><Authentication xmlns="%s">'
        '<SecurityToken>%s</SecurityToken></Authentication></s:Header><s:Body><SendDocument xmlns="%s">'
        '<Via><ReferenceId>XCNL10001</ReferenceId></Via><To><ReferenceId>%s</ReferenceId></To><Subject>F</Subject>'
        '<Payload>%s</Payload><TemplateId>GLDT9223370666504283001RA000000006DTP2000001</TemplateId></SendDocument>'
        '</s:Body></s:Envelope>') % (ns, token, ns, to, invoice)
# The body is split at NUMBERX once, so a request costs wrk two concatenations rather than a
# pattern search over the whole invoice (which took wrk ~0.2 ms of CPU per request, on the same
# 2 cores as the server).
before, after = body.split("NUMBERX", 1)
open(out, "w").write('''
local before, after = [==[%s]==], [==[%s]==]
local headers = {["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = "%sSendDocument"}
local counter, next_thread = 0, 0
setup = function(thread) thread:set("tid", next_thread); next_thread = next_thread + 1 end
request = function()
  counter = counter + 1
  return wrk.format("POST", "/soap/v3.1", headers, before .. "W" .. tid .. "-" .. counter .. after)
end
response = function(status) if status ~= 200 then io.write("status " .. status .. "\\n") end end
''' % (before, after, ns))
