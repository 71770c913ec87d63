#!/usr/bin/env python3
"""Writes a large SI-UBL 2.0 invoice that the official artifacts call valid: LINES invoice lines of
about LINE_BYTES bytes each (1.00 EUR, VAT S 21 %, totals that add up), and optionally an embedded
PDF of PDF_BYTES bytes. For the 100 MiB figures in the README:

    python3 bench/large-invoice.py --lines 57000 --line-bytes 1400 > /tmp/invoice-80mb.xml
    python3 bench/large-invoice.py --lines 50000 --line-bytes 880 > /tmp/invoice-44mb.xml
    python3 bench/large-invoice.py --lines 20 --pdf-bytes 9400000 > /tmp/invoice-pdf.xml
"""
import argparse
import base64
import os
import sys

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
    <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0</cbc:CustomizationID>
    <cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
    <cbc:ID>GROOT-{lines}</cbc:ID>
    <cbc:IssueDate>2026-11-25</cbc:IssueDate>
    <cbc:DueDate>2026-12-25</cbc:DueDate>
    <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
    <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
    <cbc:BuyerReference>4500012345</cbc:BuyerReference>
{attachment}    <cac:AccountingSupplierParty>
        <cac:Party>
            <cbc:EndpointID schemeID="0106">12345678</cbc:EndpointID>
            <cac:PostalAddress>
                <cbc:StreetName>Hoofdstraat 1</cbc:StreetName>
                <cbc:CityName>Utrecht</cbc:CityName>
                <cbc:PostalZone>3511AA</cbc:PostalZone>
                <cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>
            </cac:PostalAddress>
            <cac:PartyTaxScheme>
                <cbc:CompanyID>NL001234567B01</cbc:CompanyID>
                <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
            </cac:PartyTaxScheme>
            <cac:PartyLegalEntity>
                <cbc:RegistrationName>Leverancier BV</cbc:RegistrationName>
                <cbc:CompanyID schemeID="0106">12345678</cbc:CompanyID>
            </cac:PartyLegalEntity>
        </cac:Party>
    </cac:AccountingSupplierParty>
    <cac:AccountingCustomerParty>
        <cac:Party>
            <cbc:EndpointID schemeID="0190">00000001003214321000</cbc:EndpointID>
            <cac:PostalAddress>
                <cbc:StreetName>Korte Voorhout 7</cbc:StreetName>
                <cbc:CityName>Den Haag</cbc:CityName>
                <cbc:PostalZone>2511CW</cbc:PostalZone>
                <cac:Country><cbc:IdentificationCode>NL</cbc:IdentificationCode></cac:Country>
            </cac:PostalAddress>
            <cac:PartyLegalEntity>
                <cbc:RegistrationName>Ministerie</cbc:RegistrationName>
                <cbc:CompanyID schemeID="0190">00000001003214321000</cbc:CompanyID>
            </cac:PartyLegalEntity>
        </cac:Party>
    </cac:AccountingCustomerParty>
    <cac:PaymentMeans>
        <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
        <cac:PayeeFinancialAccount><cbc:ID>NL91ABNA0417164300</cbc:ID></cac:PayeeFinancialAccount>
    </cac:PaymentMeans>
    <cac:TaxTotal>
        <cbc:TaxAmount currencyID="EUR">{tax}</cbc:TaxAmount>
        <cac:TaxSubtotal>
            <cbc:TaxableAmount currencyID="EUR">{net}</cbc:TaxableAmount>
            <cbc:TaxAmount currencyID="EUR">{tax}</cbc:TaxAmount>
            <cac:TaxCategory>
                <cbc:ID>S</cbc:ID>
                <cbc:Percent>21</cbc:Percent>
                <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
            </cac:TaxCategory>
        </cac:TaxSubtotal>
    </cac:TaxTotal>
    <cac:LegalMonetaryTotal>
        <cbc:LineExtensionAmount currencyID="EUR">{net}</cbc:LineExtensionAmount>
        <cbc:TaxExclusiveAmount currencyID="EUR">{net}</cbc:TaxExclusiveAmount>
        <cbc:TaxInclusiveAmount currencyID="EUR">{gross}</cbc:TaxInclusiveAmount>
        <cbc:PayableAmount currencyID="EUR">{gross}</cbc:PayableAmount>
    </cac:LegalMonetaryTotal>
"""

LINE = """    <cac:InvoiceLine>
        <cbc:ID>{number}</cbc:ID>
        <cbc:Note>{note}</cbc:Note>
        <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
        <cbc:LineExtensionAmount currencyID="EUR">1.00</cbc:LineExtensionAmount>
        <cac:Item>
            <cbc:Description>{description}</cbc:Description>
            <cbc:Name>Artikel {number}</cbc:Name>
            <cac:SellersItemIdentification><cbc:ID>ART-{number}</cbc:ID></cac:SellersItemIdentification>
            <cac:ClassifiedTaxCategory>
                <cbc:ID>S</cbc:ID>
                <cbc:Percent>21</cbc:Percent>
                <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
            </cac:ClassifiedTaxCategory>
        </cac:Item>
        <cac:Price><cbc:PriceAmount currencyID="EUR">1.00</cbc:PriceAmount></cac:Price>
    </cac:InvoiceLine>
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--line-bytes", type=int, default=900, help="approximate bytes per invoice line")
    parser.add_argument("--pdf-bytes", type=int, default=0, help="embed a PDF of this many bytes")
    arguments = parser.parse_args()

    attachment = ""
    if arguments.pdf_bytes:
        pdf = b"%PDF-1.7\n" + os.urandom(arguments.pdf_bytes - 9)
        encoded = base64.encodebytes(pdf).decode("ascii")
        attachment = (
            "    <cac:AdditionalDocumentReference>\n        <cbc:ID>bijlage</cbc:ID>\n        <cac:Attachment>\n"
            '            <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="bijlage.pdf">'
            + encoded + "</cbc:EmbeddedDocumentBinaryObject>\n        </cac:Attachment>\n    </cac:AdditionalDocumentReference>\n")
    cents = arguments.lines * 100
    net, tax = cents, (cents * 21 + 50) // 100
    money = lambda c: "%d.%02d" % (c // 100, c % 100)
    out = sys.stdout
    out.write(HEAD.format(lines=arguments.lines, attachment=attachment, net=money(net), tax=money(tax), gross=money(net + tax)))
    filler = max(arguments.line_bytes - len(LINE) - 20, 0)
    for number in range(1, arguments.lines + 1):
        text = ("Levering volgens contract %d, " % number) * (filler // 60 + 1)
        out.write(LINE.format(number=number, note=text[: filler // 2], description=text[: filler - filler // 2]))
    out.write("</Invoice>\n")


if __name__ == "__main__":
    main()
