"""Drives the efactuur platform with zeep, a standard SOAP client that builds its calls from the
WSDL alone: login, send an invoice, find it in the receiver's inbox, set its status, read the
status on the sender's outbox. Prints one JSON line with what it saw; exits non-zero on any fault.

usage: zeep_client.py WSDL_URL SENDER_KEY SENDER_SECRET SENDER_PARTY RECEIVER_KEY RECEIVER_SECRET RECEIVER_REF INVOICE_FILE
"""
import json
import sys

from lxml import etree
from zeep import Client


def session(wsdl, key, secret):
    client = Client(wsdl)
    token = client.service.Login(ConsumerKey=key, ConsumerSecret=secret)
    header_type = next(e for e in client.wsdl.types.elements if e.qname.localname == "Authentication")
    return client, header_type(SecurityToken=token)


def main():
    wsdl, s_key, s_secret, s_party, r_key, r_secret, r_ref, invoice_file = sys.argv[1:9]
    sender, s_header = session(wsdl, s_key, s_secret)
    receiver, r_header = session(wsdl, r_key, r_secret)

    invoice = etree.parse(invoice_file).getroot()
    external_id = sender.service.SendDocument(
        Via={"ReferenceId": s_party},
        To={"ReferenceId": r_ref},
        Subject="Factuur",
        Payload={"_value_1": invoice},
        TemplateId="GLDT9223370666504283001RA000000006DTP2000001",
        _soapheaders=[s_header],
    )
    inbox = receiver.service.GetInboxDocuments(Paging={"Limit": 10}, _soapheaders=[r_header])
    listed = [d.ExternalId for d in inbox.Results.Document] if inbox.Results else []
    document = receiver.service.GetInboxDocument(ExternalId=external_id, _soapheaders=[r_header])
    payload = document.Details.Payload._value_1
    invoice_id = payload.find("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID").text
    receiver.service.SetInboxDocumentStatus(ExternalId=external_id, StatusCode="40", _soapheaders=[r_header])
    status = sender.service.GetOutboxDocumentStatus(ExternalId=external_id, _soapheaders=[s_header])
    parties = sender.service.GetAccountParties(Paging={"Limit": 10}, _soapheaders=[s_header])
    print(json.dumps({
        "externalId": external_id,
        "listed": external_id in listed,
        "invoiceId": invoice_id,
        "statuses": [s.Code for s in document.Statuses.Status],
        "outboxStatus": status.Code,
        "statusName": status.Name,
        "accountParties": [p.EConnectPartyId for p in parties.Results.PartyAccountDetails],
    }))


if __name__ == "__main__":
    main()
