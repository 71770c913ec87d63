import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML
import Testing

/// Behaviour of the validator beyond the official test sets: what efactuur writes, rounding,
/// decimals and dates, rule-set choice, findings' details, hostile input.
struct ValidatorTests {
    func validate(_ text: String, _ ruleSet: Validator.RuleSet = .auto) throws -> ValidationReport {
        try Validator(ruleSet: ruleSet).validate(Array(text.utf8))
    }

    /// An SI-UBL invoice from the builder, written out, with `change` applied to its text.
    func example(lines: Int = 3, _ change: (String) -> String = { $0 }) -> String {
        change(UBLWriter().writeString(ExampleInvoices.siUBL(lineCount: lines)))
    }

    @Test func whatEfactuurWritesIsValidAndClean() throws {
        for lines in [1, 3, 40] {
            let report = try validate(example(lines: lines))
            #expect(report.ruleSet == "si-ubl")
            #expect(report.findings.isEmpty, "\(report.findings)")
        }
        var creditNote = ExampleInvoices.siUBL(lineCount: 2)
        creditNote.kind = .creditNote
        creditNote.typeCode = "381"
        creditNote.dueDate = nil
        let report = try Validator().validate(UBLWriter().write(creditNote))
        #expect(report.isValid, "\(report.findings)")
    }

    @Test func autoPicksTheRuleSetFromTheCustomizationID() {
        #expect(Validator.ruleSet(forCustomizationID: Specification.siUBL20) == .siUBL)
        #expect(Validator.ruleSet(forCustomizationID: "  \(Specification.siUBL20)#conformant#urn:fdc:nen.nl:gaccount:v1.0 ") == .siUBLGAccount)
        #expect(Validator.ruleSet(forCustomizationID: Specification.peppolBIS3) == .peppol)
        #expect(Validator.ruleSet(forCustomizationID: "urn:cen.eu:en16931:2017") == .en16931)
        #expect(Validator.ruleSet(forCustomizationID: nil) == .en16931)
    }

    @Test func findingsSayWhatWhereAndWhichBusinessTerm() throws {
        let text = example {
            $0.replacingOccurrences(of: "<cbc:BuyerReference>4500012345</cbc:BuyerReference>", with: "")
                .replacingOccurrences(of: "<cac:OrderReference>\n    <cbc:ID>4500012345</cbc:ID>\n  </cac:OrderReference>", with: "")
        }
        let report = try validate(text)
        let finding = try #require(report.findings.first { $0.ruleID == "BR-NL-2" })
        #expect(finding.flag == .fatal)
        #expect(finding.location == "/Invoice")
        #expect(finding.line != nil)
        #expect(!report.isValid)
        let line = try #require(
            try validate(example { $0.replacingOccurrences(of: "<cbc:Name>Artikel 2</cbc:Name>", with: "") })
                .findings.first { $0.ruleID == "BR-25" })
        #expect(line.location == "/Invoice/cac:InvoiceLine[2]")
        #expect(line.businessTerm == "BG-25")
    }

    /// BR-CO-17: the VAT amount may be off by less than 1 from round(taxable × rate), and halves
    /// round toward positive infinity.
    @Test func vatToleranceAndHalfCents() throws {
        // 0.50 × 21 % = 0.105 → 0.11 is exact; 0.10 is within the tolerance too.
        let taxable = """
            <cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">0.50</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">AMOUNT</cbc:TaxAmount>\
            <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
            """
        func fragment(_ amount: String) -> String {
            """
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">\
            <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">\(amount)</cbc:TaxAmount>\(taxable.replacingOccurrences(of: "AMOUNT", with: amount))</cac:TaxTotal></Invoice>
            """
        }
        // The official rule compares absolute values: a VAT amount with the wrong sign passes.
        for amount in ["0.11", "0.10", "1.10", "-0.11"] {
            #expect(!(try validate(fragment(amount), .en16931)).fatalRuleIDs.contains("BR-CO-17"), "\(amount)")
        }
        for amount in ["1.11", "-1.11", "2.00"] {
            #expect(try validate(fragment(amount), .en16931).fatalRuleIDs.contains("BR-CO-17"), "\(amount)")
        }
    }

    @Test func negativeInvoicesAreValid() throws {
        var builder = InvoiceBuilder(
            id: "NEG-1", issueDate: LocalDate("2026-11-25")!, seller: ExampleInvoices.supplier, buyer: ExampleInvoices.governmentCustomer)
        builder.header.buyerReference = "REF"
        builder.addLine(name: "Retour", quantity: -4, netPrice: "50")
        let report = try Validator().validate(UBLWriter().write(try builder.build()))
        #expect(report.isValid, "\(report.findings)")
        #expect(!report.fatalRuleIDs.contains("BR-NL-11"), "no payment means needed when nothing is owed")
    }

    @Test func amountsWithMoreThanTwoDecimals() throws {
        let report = try validate(
            example { text in
                var text = text
                let range = text.range(of: "<cbc:PayableAmount currencyID=\"EUR\">")!
                let end = text[range.upperBound...].range(of: "<")!.lowerBound
                text.replaceSubrange(range.upperBound..<end, with: "53.290")
                return text
            })
        #expect(report.fatalRuleIDs.contains("BR-DEC-18"))
        #expect(report.fatalRuleIDs.contains("UBL-DT-01"))
        // Unit prices may carry more decimals.
        let prices = try validate(
            example {
                $0.replacingOccurrences(
                    of: "<cbc:PriceAmount currencyID=\"EUR\">19.99</cbc:PriceAmount>",
                    with: "<cbc:PriceAmount currencyID=\"EUR\">19.9900</cbc:PriceAmount>")
            })
        #expect(!prices.fatalRuleIDs.contains("UBL-DT-01"))
    }

    @Test func datesLeapDaysAndTimeZones() throws {
        let leap = try validate(
            example { $0.replacingOccurrences(of: "<cbc:IssueDate>2026-11-25</cbc:IssueDate>", with: "<cbc:IssueDate>2024-02-29</cbc:IssueDate>") })
        #expect(!leap.fatalRuleIDs.contains("XSD"))
        let noLeap = try validate(
            example { $0.replacingOccurrences(of: "<cbc:IssueDate>2026-11-25</cbc:IssueDate>", with: "<cbc:IssueDate>2023-02-29</cbc:IssueDate>") })
        #expect(noLeap.fatalRuleIDs.contains("XSD"))
        #expect(noLeap.findings.first { $0.ruleID == "XSD" }?.message.contains("IssueDate") == true)
        let zoned = try validate(
            example {
                $0.replacingOccurrences(of: "<cbc:IssueDate>2026-11-25</cbc:IssueDate>", with: "<cbc:IssueDate>2026-11-25+01:00</cbc:IssueDate>")
            })
        #expect(zoned.isValid)
        // A line period that ends before it starts, across a year end.
        let period = try validate(
            example {
                $0.replacingOccurrences(
                    of: "<cbc:DocumentCurrencyCode>",
                    with:
                        "<cac:InvoicePeriod><cbc:StartDate>2027-01-01</cbc:StartDate><cbc:EndDate>2026-12-31</cbc:EndDate></cac:InvoicePeriod><cbc:DocumentCurrencyCode>"
                )
            })
        #expect(period.fatalRuleIDs.contains("BR-29"))
    }

    /// BR-S-08's ±1 is computed in floating point by the official XSLT: 1234.56 − 1 as a double
    /// is 1233.5599999…, below the decimal 1233.56, so a sum of exactly 1233.56 passes there.
    @Test func standardRateToleranceFollowsTheOfficialFloatingPoint() throws {
        func document(taxable: String, line: String) -> String {
            """
            <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">\
            <cac:TaxTotal><cac:TaxSubtotal><cbc:TaxableAmount currencyID="EUR">\(taxable)</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0</cbc:TaxAmount>\
            <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>\
            <cac:InvoiceLine><cbc:LineExtensionAmount currencyID="EUR">\(line)</cbc:LineExtensionAmount><cac:Item><cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>21</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item></cac:InvoiceLine></Invoice>
            """
        }
        #expect(!(try validate(document(taxable: "1234.56", line: "1233.56"), .en16931)).fatalRuleIDs.contains("BR-S-08"))
        #expect(try validate(document(taxable: "100.00", line: "99.00"), .en16931).fatalRuleIDs.contains("BR-S-08"))
        #expect(!(try validate(document(taxable: "100.00", line: "99.01"), .en16931)).fatalRuleIDs.contains("BR-S-08"))
    }

    /// The invoice that stopped the server (issue 10): the line amount 0 and the taxable amount
    /// 1.00, so BR-S-08 compares the double 0 (1.00 − 1) with the decimal 0 — `Double(0).exponent`
    /// is Int.min. And amounts with 19 digits beside ones with 18 decimals.
    @Test func amountsThatOnceTrappedGiveAVerdict() throws {
        func document(taxable: String, line: String, tax: String = "0") -> String {
            example(lines: 1) { text in
                text.replacingOccurrences(
                    of: #"<cbc:TaxableAmount currencyID="EUR">[^<]*<"#, with: "<cbc:TaxableAmount currencyID=\"EUR\">\(taxable)<",
                    options: .regularExpression
                )
                .replacingOccurrences(
                    of: #"<cbc:LineExtensionAmount currencyID="EUR">[^<]*<"#, with: "<cbc:LineExtensionAmount currencyID=\"EUR\">\(line)<",
                    options: .regularExpression
                )
                .replacingOccurrences(
                    of: #"<cbc:TaxAmount currencyID="EUR">[^<]*<"#, with: "<cbc:TaxAmount currencyID=\"EUR\">\(tax)<",
                    options: .regularExpression)
            }
        }
        for ruleSet in [Validator.RuleSet.auto, .en16931, .peppol] {
            let zero = try validate(document(taxable: "1.00", line: "0"), ruleSet)
            #expect(!zero.isValid)
            #expect(zero.fatalRuleIDs.contains("BR-CO-10") || zero.fatalRuleIDs.contains("BR-S-08"))
            let subnormal = try validate(document(taxable: "1.00", line: "0.000000000000000001"), ruleSet)
            #expect(!subnormal.isValid)
            let huge = try validate(
                document(taxable: "9999999999999999999", line: "0.000000000000000001", tax: "999999999999999999.999999999999999999"),
                ruleSet)
            #expect(!huge.isValid)
        }
    }

    @Test func structureProblemsAreXSDFindings() throws {
        let wrongRoot = try validate(#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>"#)
        #expect(wrongRoot.fatalRuleIDs == ["XSD"])
        let comma = try validate(
            example { $0.replacingOccurrences(of: "<cbc:PayableAmount currencyID=\"EUR\">", with: "<cbc:PayableAmount currencyID=\"EUR\">1,") })
        #expect(comma.findings.contains { $0.ruleID == "XSD" && $0.message.contains("PayableAmount") })
    }

    @Test func hostileInputIsRefusedBeforeValidation() {
        let error = #expect(throws: XMLReadError.self) {
            try validate(#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>"#)
        }
        #expect(error?.code == .dtdForbidden)
    }

    @Test func validatesInParallel() async throws {
        let bytes = Array(example(lines: 20).utf8)
        let validator = Validator()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 { group.addTask { try validator.validate(bytes).isValid } }
            for try await valid in group { #expect(valid) }
        }
    }
}
