/// One assertion of a rule set: its id, flag and message, and the test that must hold.
struct Assertion: Sendable {
    let id: String
    let flag: Finding.Flag
    let message: String
    /// The first BT-/BG- the message names, found once when the rule set is built.
    let businessTerm: String?
    let test: @Sendable (Node) -> Bool

    init(id: String, flag: Finding.Flag, message: String, test: @escaping @Sendable (Node) -> Bool) {
        self.id = id
        self.flag = flag
        self.message = message
        self.businessTerm = Finding.firstBusinessTerm(in: message)
        self.test = test
    }
}

/// A Schematron `<rule>`: a context and the assertions checked on every node it matches.
struct Rule: Sendable {
    let context: Context
    let assertions: [Assertion]
}

/// A Schematron `<pattern>`: its rules are tried in order and only the first whose context
/// matches a node is applied to it (the official artifacts' first-match semantics).
struct Pattern: Sendable {
    let name: String
    let rules: [Rule]
    /// Rule indexes by the local name their context ends with; `wildcard` rules apply to any name.
    let byName: [String: [Int]]
    let wildcard: [Int]

    init(name: String, rules: [Rule]) {
        self.name = name
        self.rules = rules
        var byName: [String: [Int]] = [:]
        var wildcard: [Int] = []
        for (index, rule) in rules.enumerated() {
            if let names = rule.context.lastNames {
                for name in names { byName[name, default: []].append(index) }
            } else {
                wildcard.append(index)
            }
        }
        self.byName = byName
        self.wildcard = wildcard
    }

}

/// A pattern ready for evaluation: for each ``RuleIndex`` key the rules whose context ends in that
/// name, merged in rule order with the `*` rules, in one flat buffer; and every context step,
/// predicate and assertion test in flat buffers too. Finding a node's rule and running its tests
/// is then pointer arithmetic, with no hashing and no copies of rules, arrays or closures (each
/// copy would cost a retain and a release) in the hot loop.
final class IndexedPattern: Sendable {
    let pattern: Pattern
    /// Candidates of key k are `candidates[offsets[k] ..< offsets[k + 1]]`; the last slot (key
    /// -1, names no context ends in) holds the `*` rules alone.
    private nonisolated(unsafe) let offsets: UnsafeMutablePointer<Int32>
    private nonisolated(unsafe) let candidates: UnsafeMutablePointer<Int32>
    private let keyCount: Int
    /// Rule r's context alternatives are `alternatives[alternativeStarts[r] ..< alternativeStarts[r + 1]]`.
    private nonisolated(unsafe) let alternativeStarts: UnsafeMutablePointer<Int32>
    private nonisolated(unsafe) let alternatives: UnsafeMutablePointer<Alternative>
    /// Alternative a's steps, innermost first, are `steps[a.stepStart ..< a.stepEnd]`.
    private nonisolated(unsafe) let steps: UnsafeMutablePointer<Step>
    /// Rule r's assertions are `assertions[assertionStarts[r] ..< assertionStarts[r + 1]]`,
    /// numbered across the pattern; `tests` holds their tests at the same numbers.
    private nonisolated(unsafe) let assertionStarts: UnsafeMutablePointer<Int32>
    private nonisolated(unsafe) let tests: UnsafeMutablePointer<Unmanaged<Test>>
    let assertions: [Assertion]

    /// A test held by an object the pattern keeps for the life of the process: called through an
    /// unowned reference, its closure is not retained and released around every call.
    private final class Test: Sendable {
        let run: @Sendable (Node) -> Bool
        init(_ run: @escaping @Sendable (Node) -> Bool) { self.run = run }
    }

    private struct Step {
        let namespace: Namespace
        /// The ``RuleIndex`` key of the name, -1 for `*`.
        let key: Int32
    }

    private struct Alternative {
        let stepStart: Int32
        let stepEnd: Int32
        let anchored: Bool
        let predicate: Unmanaged<Test>?
    }

    init(_ pattern: Pattern) {
        self.pattern = pattern
        keyCount = RuleIndex.keys.count
        var lists = Array(repeating: [Int32](), count: keyCount + 1)
        for (name, indexes) in pattern.byName {
            if let key = RuleIndex.keys[name] { lists[key] = indexes.map(Int32.init) }
        }
        let wildcard = pattern.wildcard.map(Int32.init)
        for key in 0...keyCount { lists[key] = (lists[key] + wildcard).sorted() }
        offsets = .allocate(capacity: keyCount + 2)
        candidates = .allocate(capacity: max(lists.reduce(0) { $0 + $1.count }, 1))
        var position: Int32 = 0
        for key in 0...keyCount {
            offsets[key] = position
            for index in lists[key] {
                candidates[Int(position)] = index
                position += 1
            }
        }
        offsets[keyCount + 1] = position

        var flatSteps: [Step] = []
        var flatAlternatives: [Alternative] = []
        var alternativeStarts: [Int32] = []
        var assertionStarts: [Int32] = []
        var assertions: [Assertion] = []
        for rule in pattern.rules {
            alternativeStarts.append(Int32(flatAlternatives.count))
            for alternative in rule.context.alternatives {
                let start = Int32(flatSteps.count)
                flatSteps += alternative.steps.reversed().map {
                    Step(namespace: $0.0, key: $0.1.map { Int32(RuleIndex.keys[$0]!) } ?? -1)
                }
                flatAlternatives.append(
                    Alternative(
                        stepStart: start, stepEnd: Int32(flatSteps.count), anchored: alternative.anchored,
                        predicate: alternative.predicate.map { Unmanaged.passRetained(Test($0)) }))
            }
            assertionStarts.append(Int32(assertions.count))
            assertions += rule.assertions
        }
        alternativeStarts.append(Int32(flatAlternatives.count))
        assertionStarts.append(Int32(assertions.count))
        self.assertions = assertions
        self.steps = Self.copy(flatSteps)
        self.alternatives = Self.copy(flatAlternatives)
        self.alternativeStarts = Self.copy(alternativeStarts)
        self.assertionStarts = Self.copy(assertionStarts)
        self.tests = Self.copy(assertions.map { Unmanaged.passRetained(Test($0.test)) })
        // Lives as long as the process: patterns are built once, as static rule sets.
    }

    private static func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
        buffer.initialize(from: values, count: values.count)
        return buffer
    }

    /// Runs the assertions of the first rule whose context matches `node` (first-match
    /// semantics, rule order kept) and reports the number of each that fails.
    func check(_ node: Node, failed: (Int) -> Void) {
        let key = node.nameKey >= 0 ? node.nameKey : keyCount
        let start = Int(offsets[key])
        let end = Int(offsets[key + 1])
        guard start < end else { return }
        for position in start..<end {
            let rule = Int(candidates[position])
            guard matches(rule, node) else { continue }
            for assertion in Int(assertionStarts[rule])..<Int(assertionStarts[rule + 1])
            where !tests[assertion]._withUnsafeGuaranteedRef({ $0.run(node) }) {
                failed(assertion)
            }
            return
        }
    }

    private func matches(_ rule: Int, _ node: Node) -> Bool {
        let layout = node.layout.pointee
        for index in Int(alternativeStarts[rule])..<Int(alternativeStarts[rule + 1]) {
            let alternative = alternatives + index
            var id = node.id
            var topmost = node.id
            var matched = true
            for stepIndex in Int(alternative.pointee.stepStart)..<Int(alternative.pointee.stepEnd) {
                guard id >= 0 else {
                    matched = false
                    break
                }
                let step = steps[stepIndex]
                if step.key >= 0 && (layout.nameKeys[Int(id)] != step.key || layout.namespaces[Int(id)] != step.namespace) {
                    matched = false
                    break
                }
                topmost = id
                id = layout.parents[Int(id)]
            }
            guard matched, !alternative.pointee.anchored || topmost == 0 else { continue }
            guard let predicate = alternative.pointee.predicate else { return true }
            if predicate._withUnsafeGuaranteedRef({ $0.run(node) }) { return true }
        }
        return false
    }
}

/// Keys for the local names rule contexts and the UBL-CR catalogue name, over every rule set:
/// elements are matched against contexts and catalogue paths by comparing integers.
enum RuleIndex {
    static let keys: [String: Int] = {
        var keys: [String: Int] = [:]
        for pattern in Validator.allPatterns {
            for rule in pattern.rules {
                for alternative in rule.context.alternatives {
                    for case let (_, name?) in alternative.steps where keys[name] == nil { keys[name] = keys.count }
                }
            }
        }
        for name in UBLCRCheck.elementNames where keys[name] == nil { keys[name] = keys.count }
        return keys
    }()
}

/// Which nodes a rule applies to: alternatives of location path patterns (`a/b/c`, `/ubl:Invoice`,
/// `/*/cac:TaxTotal`), each optionally with a predicate, or any element with a predicate.
struct Context: Sendable {
    struct Alternative: Sendable {
        /// Steps from the outermost to the node itself, each `(namespace, name)`; nil name = `*`.
        let steps: [(Namespace, String?)]
        let anchored: Bool
        let predicate: (@Sendable (Node) -> Bool)?
    }

    let alternatives: [Alternative]
    /// Set when every alternative ends in a named step.
    let lastNames: [String]?

    /// `pattern` in the mini-syntax of ``Node/select(_:_:)``, with `|` between alternatives that
    /// each may start with `/` (anchored at the root) or `//` (anywhere, the default).
    init(_ pattern: String, where predicate: (@Sendable (Node) -> Bool)? = nil) {
        // Read as bytes: every rule set's contexts are read at each process start.
        var alternatives: [Alternative] = []
        let slash = UInt8(ascii: "/")
        for part in Array(pattern.utf8).split(separator: UInt8(ascii: "|")) {
            var text = part.drop { $0 == 0x20 }
            while text.last == 0x20 { text = text.dropLast() }
            var anchored = false
            if text.starts(with: [slash, slash]) {
                text = text.dropFirst(2)
            } else if text.first == slash {
                text = text.dropFirst()
                anchored = true
            }
            let steps: [(Namespace, String?)] = text.split(separator: slash).map { step in
                if step.elementsEqual([UInt8(ascii: "*")]) { return (.other, nil) }
                let (namespace, name) = Namespace.qualifiedName(step)
                return (namespace, name)
            }
            alternatives.append(Alternative(steps: steps, anchored: anchored, predicate: predicate))
        }
        self.alternatives = alternatives
        let names = alternatives.compactMap { $0.steps.last?.1 }
        self.lastNames = names.count == alternatives.count ? names : nil
    }

    /// Any element for which `predicate` holds (`//*[…]`).
    init(anyElement predicate: @escaping @Sendable (Node) -> Bool) {
        self.alternatives = [Alternative(steps: [(.other, nil)], anchored: false, predicate: predicate)]
        self.lastNames = nil
    }

}

/// Builds the rules of one pattern: `rule(context) { assert(...) }` as in the Schematron.
struct PatternBuilder {
    let name: String
    private(set) var rules: [Rule] = []
    private var pending: [Assertion] = []

    init(_ name: String) {
        self.name = name
    }

    mutating func rule(
        _ context: String, where predicate: (@Sendable (Node) -> Bool)? = nil, _ assertions: [Assertion]
    ) {
        rules.append(Rule(context: Context(context, where: predicate), assertions: assertions))
    }

    mutating func rule(anyElement predicate: @escaping @Sendable (Node) -> Bool, _ assertions: [Assertion]) {
        rules.append(Rule(context: Context(anyElement: predicate), assertions: assertions))
    }

    var pattern: Pattern { Pattern(name: name, rules: rules) }
}

func fatal(_ id: String, _ message: String, _ test: @escaping @Sendable (Node) -> Bool) -> Assertion {
    Assertion(id: id, flag: .fatal, message: message, test: test)
}

func warning(_ id: String, _ message: String, _ test: @escaping @Sendable (Node) -> Bool) -> Assertion {
    Assertion(id: id, flag: .warning, message: message, test: test)
}
