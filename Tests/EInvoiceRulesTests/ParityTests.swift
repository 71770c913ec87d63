import EInvoice
import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

/// The validator's verdicts against the official artifacts': the corpus with its recorded
/// outcomes, and the rule owners' unit tests.
@Suite(.serialized)
struct ParityTests {
    struct Outcome {
        var sameVerdict: Bool
        var sameRules: Bool
        var detail: String
    }

    static func compare(_ document: Corpus.Case) throws -> Outcome {
        let bytes = try [UInt8](Data(contentsOf: document.url))
        let ruleSet = Validator.RuleSet(rawValue: document.ruleSet) ?? .auto
        let report = try Validator(ruleSet: ruleSet).validate(bytes)
        let expectedFatal = Set(document.fatal)
        let expectedWarning = Set(document.warning)
        let officialInvalid = !expectedFatal.isEmpty
        let sameVerdict = report.isValid != officialInvalid
        // Where the official XSLT itself stopped, any fatal finding agrees.
        let sameRules =
            expectedFatal.contains("XSLT-DYNAMIC-ERROR")
            ? !report.isValid
            : report.fatalRuleIDs == expectedFatal && report.warningRuleIDs == expectedWarning
        let detail =
            "\(document.path): expected fatal \(expectedFatal.sorted()) warning \(expectedWarning.sorted()), "
            + "got fatal \(report.fatalRuleIDs.sorted()) warning \(report.warningRuleIDs.sorted())"
        return Outcome(sameVerdict: sameVerdict, sameRules: sameRules, detail: detail)
    }

    @Test func corpusVerdictsAndRuleIDs() throws {
        var verdicts = 0
        var rules = 0
        var differences: [String] = []
        for document in Corpus.cases {
            let outcome = try Self.compare(document)
            if outcome.sameVerdict { verdicts += 1 }
            if outcome.sameRules { rules += 1 } else { differences.append(outcome.detail) }
        }
        let total = Corpus.cases.count
        print("corpus parity: same verdict \(verdicts)/\(total), identical rule ids \(rules)/\(total)")
        for difference in differences { print("  differs: \(difference)") }
        #expect(total >= 179)
        #expect(verdicts == total, "every official verdict must be matched")
        #expect(Double(rules) >= 0.98 * Double(total), "identical rule ids for at least 98% of the corpus")
    }

    static func passes(_ test: UnitTestSets.Test) -> (Bool, String) {
        let report = Validator(ruleSet: Validator.RuleSet(rawValue: test.ruleSet) ?? .auto).validate(test.document)
        var problems: [String] = []
        for id in test.mustNotFire where report.findings.contains(where: { $0.ruleID == id }) { problems.append("\(id) fired") }
        for id in test.mustFireFatal where !report.findings.contains(where: { $0.ruleID == id && $0.flag == .fatal }) {
            problems.append("\(id) did not fire as fatal")
        }
        for id in test.mustFireWarning where !report.findings.contains(where: { $0.ruleID == id && $0.flag == .warning }) {
            problems.append("\(id) did not fire as warning")
        }
        return (problems.isEmpty, problems.joined(separator: ", "))
    }

    @Test func officialUnitTests() {
        var passed: [String: Int] = [:]
        var total: [String: Int] = [:]
        var failures: [String] = []
        for test in UnitTestSets.all {
            let group = test.ruleSet
            total[group, default: 0] += 1
            let (ok, problems) = Self.passes(test)
            if ok { passed[group, default: 0] += 1 } else { failures.append("\(test): \(problems)") }
        }
        for group in total.keys.sorted() {
            print("unit tests \(group): \(passed[group] ?? 0)/\(total[group] ?? 0)")
        }
        for failure in failures { print("  fails: \(failure)") }
        let en = Double(passed["en16931"] ?? 0) / Double(max(total["en16931"] ?? 1, 1))
        #expect((total["en16931"] ?? 0) >= 1131)
        #expect(en >= 0.99, "at least 99% of the EN 16931 unit tests")
        #expect((total["peppol"] ?? 0) >= 242)
        #expect(passed["peppol"] == total["peppol"], "all Peppol unit tests")
    }
}
