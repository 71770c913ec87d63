import EInvoiceTestSupport
import Foundation
import Testing

@testable import EInvoiceRules

/// Peppol's national rules: the official base example (a British supplier, a Swedish customer)
/// moved to each country, with what must and must not fire there.
struct PeppolNationalRulesTests {
    static let base = try! String(contentsOf: Corpus.folder.appendingPathComponent("peppol-bis3/base-example.xml"), encoding: .utf8)

    /// The rule ids fired on the base example with each `(old, new)` replaced once.
    func ruleIDs(_ replacements: [(String, String)]) throws -> Set<String> {
        var text = Self.base
        for (old, new) in replacements {
            let range = try #require(text.range(of: old), "\(old) is not in the base example")
            text.replaceSubrange(range, with: new)
        }
        return Set(try Validator(ruleSet: .peppol).validate(Array(text.utf8)).findings.map(\.ruleID))
    }

    func national(_ ids: Set<String>) -> Set<String> {
        ids.filter { id in ["DK-", "GR-", "IS-", "IT-", "SE-", "NO-", "NL-"].contains { id.hasPrefix($0) } }
    }

    static let supplierCountry = "<cbc:IdentificationCode>GB</cbc:IdentificationCode>"
    static let supplierVAT = "<cbc:CompanyID>GB1232434</cbc:CompanyID>"
    static let supplierLegalID = "<cbc:CompanyID>GB983294</cbc:CompanyID>"
    static let customerCountry = "<cbc:IdentificationCode>SE</cbc:IdentificationCode>"

    @Test func theBaseExampleMeetsNoNationalRule() throws {
        #expect(national(try ruleIDs([])).isEmpty)
    }

    @Test func denmark() throws {
        let danish = [
            (Self.supplierCountry, "<cbc:IdentificationCode>DK</cbc:IdentificationCode>"),
            (Self.customerCountry, "<cbc:IdentificationCode>DK</cbc:IdentificationCode>"),
        ]
        // A CVR number and a party identifier without their schemes, and payment means 30, which
        // Denmark does not use.
        #expect(national(try ruleIDs(danish)) == ["DK-R-014", "DK-R-013", "DK-R-005"])
        let fixed =
            danish + [
                (Self.supplierLegalID, "<cbc:CompanyID schemeID=\"0184\">12345678</cbc:CompanyID>"),
                ("<cbc:ID>99887766</cbc:ID>", "<cbc:ID schemeID=\"0184\">12345678</cbc:ID>"),
                (">30</cbc:PaymentMeansCode>", ">31</cbc:PaymentMeansCode>"),
            ]
        #expect(national(try ruleIDs(fixed)).isEmpty)
        // 31 needs the account and its registration number (the branch).
        let noBranch = try ruleIDs(fixed + [("<cbc:ID>BIC324098</cbc:ID>", "<cbc:ID> </cbc:ID>")])
        #expect(noBranch.contains("DK-R-006"))
        // Only the supplier's country decides DK-R-002/014; the customer's the payment rules.
        #expect(national(try ruleIDs([(Self.supplierCountry, "<cbc:IdentificationCode>DK</cbc:IdentificationCode>")])) == ["DK-R-014"])
    }

    @Test func sweden() throws {
        let swedish = [
            (Self.supplierCountry, "<cbc:IdentificationCode>SE</cbc:IdentificationCode>"),
            (Self.supplierVAT, "<cbc:CompanyID>SE556012579001</cbc:CompanyID>"),
            (Self.supplierLegalID, "<cbc:CompanyID>5560125790</cbc:CompanyID>"),
        ]
        #expect(national(try ruleIDs(swedish)).isEmpty)
        // A wrong Luhn digit is a warning; a short VAT number and credit transfer 31 between
        // Swedish parties are findings too.
        let ids = try ruleIDs([
            (Self.supplierCountry, "<cbc:IdentificationCode>SE</cbc:IdentificationCode>"),
            (Self.supplierVAT, "<cbc:CompanyID>SE5560125790</cbc:CompanyID>"),
            (Self.supplierLegalID, "<cbc:CompanyID>5560125791</cbc:CompanyID>"),
            (">30</cbc:PaymentMeansCode>", ">31</cbc:PaymentMeansCode>"),
        ])
        #expect(national(ids) == ["SE-R-001", "SE-R-013", "SE-R-012"])
        #expect(PeppolNationalRules.swedishOrganisationNumber("5560125790"))
        #expect(!PeppolNationalRules.swedishOrganisationNumber("556012579"))
        #expect(!PeppolNationalRules.swedishOrganisationNumber("55601257X0"))
    }

    @Test func greece() throws {
        let greek = [
            (Self.supplierCountry, "<cbc:IdentificationCode>GR</cbc:IdentificationCode>"),
            (Self.supplierVAT, "<cbc:CompanyID>EL094612330</cbc:CompanyID>"),
        ]
        let ids = national(try ruleIDs(greek))
        // The invoice number is not TIN|date|number|type|…|…, there is no MARK and no invoice
        // URL, and the electronic address is a GLN rather than the TIN (9933).
        #expect(
            ids == [
                "GR-R-001-1", "GR-R-001-2", "GR-R-001-3", "GR-R-001-4", "GR-R-001-5", "GR-R-001-6", "GR-R-001-7", "GR-R-004-1", "GR-S-008-1",
                "GR-R-009",
            ])
        let numbered = try ruleIDs(greek + [("<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>094612330|13/11/2017|1|1.1|A|B</cbc:ID>")])
        #expect(!national(numbered).contains { $0.hasPrefix("GR-R-001") })
        let wrongDate = try ruleIDs(greek + [("<cbc:ID>Snippet1</cbc:ID>", "<cbc:ID>094612330|14/11/2017|1|1.1|A|B</cbc:ID>")])
        #expect(national(wrongDate).intersection(["GR-R-001-1", "GR-R-001-2", "GR-R-001-3"]) == ["GR-R-001-3"])
        let badTIN = try ruleIDs([
            (Self.supplierCountry, "<cbc:IdentificationCode>GR</cbc:IdentificationCode>"),
            (Self.supplierVAT, "<cbc:CompanyID>EL094612331</cbc:CompanyID>"),
        ])
        #expect(badTIN.isSuperset(of: ["GR-R-003", "GR-S-011"]))
        #expect(PeppolNationalRules.greekTIN("094612330"))
        #expect(!PeppolNationalRules.greekTIN("09461233"))
    }

    @Test func iceland() throws {
        let ids = national(try ruleIDs([(Self.supplierCountry, "<cbc:IdentificationCode>IS</cbc:IdentificationCode>")]))
        #expect(ids == ["IS-R-002"])
        let registered = national(
            try ruleIDs([
                (Self.supplierCountry, "<cbc:IdentificationCode>IS</cbc:IdentificationCode>"),
                (Self.supplierLegalID, "<cbc:CompanyID schemeID=\"0196\">5902697199</cbc:CompanyID>"),
            ]))
        #expect(registered.isEmpty)
    }

    @Test func italy() throws {
        let italian = [(Self.supplierVAT, "<cbc:CompanyID>IT01234567890</cbc:CompanyID>")]
        #expect(national(try ruleIDs(italian)).isEmpty)
        let noStreet = national(try ruleIDs(italian + [("<cbc:StreetName>Main street 1</cbc:StreetName>", "")]))
        #expect(noStreet == ["IT-R-002"])
    }
}
