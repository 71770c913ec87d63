import EInvoiceRules
import Foundation
import Testing

@testable import efactuur

/// `validate --json` writes its lines by hand; Foundation's `JSONEncoder` is the oracle.
struct ValidateJSONTests {
    static func encoded(_ outcome: Efactuur.Validate.Outcome) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(outcome), as: UTF8.self)
    }

    @Test func sameTextAsJSONEncoder() throws {
        // Every byte below 0x80 and some beyond, in every string field.
        let awkward = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "/é€😀\u{2028}\u{FEFF}"
        let findings = [
            Finding(
                ruleID: "BR-CO-15", flag: .fatal, location: "/Invoice/cac:TaxTotal[2]", line: 12, message: "Invoice total (BT-112)",
                businessTerm: "BT-112"),
            Finding(ruleID: awkward, flag: .warning, location: awkward, line: nil, message: awkward, businessTerm: nil),
        ]
        let outcomes = [
            Efactuur.Validate.Outcome(file: "/tmp/a \"b\".xml", ruleSet: "si-ubl", valid: false, error: nil, findings: findings),
            Efactuur.Validate.Outcome(file: awkward, ruleSet: nil, valid: false, error: "unreadable \\ [xml.malformed]", findings: []),
            Efactuur.Validate.Outcome(file: "", ruleSet: "peppol", valid: true, error: nil, findings: []),
        ]
        for outcome in outcomes {
            #expect(Efactuur.Validate.jsonLine(outcome) == (try Self.encoded(outcome)))
        }
    }
}
