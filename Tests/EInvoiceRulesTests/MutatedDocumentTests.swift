import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

/// The corpus, damaged at random (elements removed, repeated or renamed, values replaced by
/// awkward ones, attributes added): whatever a sender makes of an invoice, validation gives a
/// report — never a crash — and the same report every time, also under every rule set.
struct MutatedDocumentTests {
    /// A small deterministic generator (SplitMix64), so a failure can be reproduced.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

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

    static func damaged(_ root: XMLElement, using random: inout Seeded) -> XMLElement {
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
                default: siblings[index].attributes.append(XMLAttribute(name: ["schemeID", "currencyID", "listID", "unitCode", "name"][index % 5], value: value))
                }
            }
        }
        return root
    }

    @Test func damagedDocumentsGiveAReportAndTheSameOneTwice() throws {
        var random = Seeded(state: 20_261_125)
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
}
