import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

/// The corpus, damaged at random (elements removed, repeated or renamed, values replaced by
/// awkward ones, attributes added): whatever a sender makes of an invoice, validation gives a
/// report — never a crash — and the same report every time, also under every rule set.
struct MutatedDocumentTests {
    static let awkwardValues = [
        "", " ", "  12  ", "abc", "-1", "-0.005", "0.005", "1e3", "NaN", "INF", "-INF", "2024-02-30", "2024-02-29+01:00",
        "99999999999999999999999999999999999999", "0.0000000000000000000000000000000000001", "S", "VAT", "NL", "0106", "|||",
        "EL094612330", "é€—", "<&>",
    ]

    /// The index paths of every element below `element`.
    static func paths(_ element: XMLElement, _ prefix: [Int] = []) -> [[Int]] {
        element.children.indices.flatMap { index in [prefix + [index]] + paths(element.children[index], prefix + [index]) }
    }

    static func mutate(_ element: inout XMLElement, at path: ArraySlice<Int>, _ change: (inout [XMLElement], Int) -> Void) {
        guard let first = path.first else { return }
        if path.count == 1 {
            change(&element.children, first)
        } else {
            mutate(&element.children[first], at: path.dropFirst(), change)
        }
    }

    static func damaged(_ root: XMLElement, using random: inout SeededGenerator) -> XMLElement {
        var root = root
        let names = Array(Set(paths(root).map { path in path.reduce(root) { $0.children[$1] }.name }))
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let all = paths(root)
            guard let path = all.randomElement(using: &random), let name = names.randomElement(using: &random) else { break }
            let kind = Int.random(in: 0..<5, using: &random)
            let value = awkwardValues.randomElement(using: &random)!
            mutate(&root, at: path[...]) { siblings, index in
                switch kind {
                case 0: siblings.remove(at: index)
                case 1: siblings.insert(siblings[index], at: index)
                case 2: siblings[index].name = name
                case 3:
                    siblings[index].children = []
                    siblings[index].text = value
                default:
                    siblings[index].attributes.append(
                        XMLAttribute(name: ["schemeID", "currencyID", "listID", "unitCode", "name"][index % 5], value: value))
                }
            }
        }
        return root
    }

    /// Numbers at the edges: zero in every spelling, the finest and largest values, far beyond what
    /// a decimal holds, exponents, signs and counts that overflow 64 bits.
    static let edgeNumbers = [
        "0", "0.00", "-0", "+0", "-0.00", "0.000000000000000001", "0.000000000000000000000000000001",
        "-0.000000000000000001", "1.00", "-1.00", "9999999999999999999", "-9999999999999999999",
        "99999999999999999999999999999999999999", "999999999999999999.999999999999999999",
        "-999999999999999999.999999999999999999", "123456789012345678.123456789012345678",
        "0.123456789012345678901234567890", "1e308", "-1e308", "1E-400", "4.9e-324", "2.2250738585072014e-308",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "170141183460469231731687303715884105728",
        "1.", ".5", "00000000000000000000000000000000001", "+1", "- 1", "1e19", "0x10",
    ]

    /// Whether an element holds a number in UBL: amounts, quantities, rates, percentages.
    static func isNumeric(_ name: String) -> Bool {
        ["Amount", "Quantity", "Percent", "MultiplierFactorNumeric", "Rate"].contains { name.hasSuffix($0) }
    }

    static func numericPaths(_ element: XMLElement) -> [[Int]] {
        paths(element).filter { path in
            let node = path.reduce(element) { $0.children[$1] }
            return node.children.isEmpty && isNumeric(node.name)
        }
    }

    /// Each document with its numbers replaced by edge values, some all at once (every line 0
    /// against a VAT subtotal of 1.00 and the like), some one at a time.
    @Test func edgeNumbersGiveAReportAndTheSameOneTwice() throws {
        var random = SeededGenerator(seed: 20_261_203)
        var validated = 0
        for document in Corpus.cases {
            let root = try XMLReader().read([UInt8](Data(contentsOf: document.url)))
            let numeric = Self.numericPaths(root)
            guard !numeric.isEmpty else { continue }
            var variants: [XMLElement] = []
            // Every number the same edge value.
            let everywhere = Self.edgeNumbers.randomElement(using: &random)!
            var uniform = root
            for path in numeric {
                Self.mutate(&uniform, at: path[...]) { siblings, index in siblings[index].text = everywhere }
            }
            variants.append(uniform)
            // A few numbers each a different edge value.
            for _ in 0..<3 {
                var mixed = root
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    let path = numeric.randomElement(using: &random)!
                    let value = Self.edgeNumbers.randomElement(using: &random)!
                    Self.mutate(&mixed, at: path[...]) { siblings, index in siblings[index].text = value }
                }
                variants.append(mixed)
            }
            for variant in variants {
                for ruleSet in [Validator.RuleSet.auto, .en16931, .peppol] {
                    let first = Validator(ruleSet: ruleSet).validate(variant)
                    let again = Validator(ruleSet: ruleSet).validate(variant)
                    #expect(first.findings.map(\.ruleID) == again.findings.map(\.ruleID), "\(document.path)")
                    validated += 1
                }
            }
        }
        // Every edge value everywhere, on one document of each kind.
        for document in Corpus.cases.prefix(12) {
            let root = try XMLReader().read([UInt8](Data(contentsOf: document.url)))
            for value in Self.edgeNumbers {
                var uniform = root
                for path in Self.numericPaths(root) {
                    Self.mutate(&uniform, at: path[...]) { siblings, index in siblings[index].text = value }
                }
                _ = Validator().validate(uniform)
                validated += 1
            }
        }
        print("validated \(validated) documents with edge numbers")
        #expect(validated >= 2_000)
    }

    @Test func damagedDocumentsGiveAReportAndTheSameOneTwice() throws {
        var random = SeededGenerator(seed: 20_261_125)
        var validated = 0
        for document in Corpus.cases {
            let root = try XMLReader().read([UInt8](Data(contentsOf: document.url)))
            for _ in 0..<3 {
                let damaged = Self.damaged(root, using: &random)
                for ruleSet in [Validator.RuleSet.auto, .peppol] {
                    let first = Validator(ruleSet: ruleSet).validate(damaged)
                    let again = Validator(ruleSet: ruleSet).validate(damaged)
                    #expect(first.findings.map(\.ruleID) == again.findings.map(\.ruleID), "\(document.path)")
                    #expect(first.findings.allSatisfy { !$0.location.isEmpty && !$0.message.isEmpty }, "\(document.path)")
                    validated += 1
                }
            }
        }
        print("validated \(validated) damaged documents")
        #expect(validated >= 1_000)
    }

    /// What the validator fuzz target found (and the invoice that once stopped the server), replayed
    /// under every rule set.
    @Test func fuzzRegressionInputs() {
        let inputs = FuzzRegressions.inputs("validator")
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs {
            for ruleSet in [Validator.RuleSet.auto, .peppol, .siUBLGAccount] {
                let report = try? Validator(ruleSet: ruleSet).validate(bytes)
                #expect(report.map { $0.findings.allSatisfy { !$0.ruleID.isEmpty } } ?? true, "\(name)")
            }
        }
    }
}
