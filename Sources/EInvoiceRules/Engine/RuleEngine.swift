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
/// name, merged in rule order with the `*` rules, in one flat buffer. Finding a node's candidate
/// rules is then a pointer lookup, with no hashing and no reference counting in the hot loop.
final class IndexedPattern: Sendable {
    let pattern: Pattern
    /// Candidates of key k are `candidates[offsets[k] ..< offsets[k + 1]]`; the last slot (key
    /// -1, names no context ends in) holds the `*` rules alone.
    private nonisolated(unsafe) let offsets: UnsafeMutablePointer<Int32>
    private nonisolated(unsafe) let candidates: UnsafeMutablePointer<Int32>
    private let keyCount: Int
    /// Each rule's context with its names as ``RuleIndex`` keys (-1 for `*`).
    private let contexts: [CompiledContext]

    struct CompiledContext: Sendable {
        struct Alternative: Sendable {
            /// Innermost step first: (namespace, key).
            let steps: [(Namespace, Int32)]
            let anchored: Bool
            let predicate: (@Sendable (Node) -> Bool)?
        }
        let alternatives: [Alternative]

        init(_ context: Context) {
            alternatives = context.alternatives.map { alternative in
                Alternative(
                    steps: alternative.steps.reversed().map { ($0.0, $0.1.map { Int32(RuleIndex.keys[$0]!) } ?? -1) },
                    anchored: alternative.anchored, predicate: alternative.predicate)
            }
        }

        func matches(_ node: Node) -> Bool {
            let layout = node.layout.pointee
            for alternative in alternatives {
                var id = node.id
                var topmost = node.id
                var matched = true
                for (namespace, key) in alternative.steps {
                    guard id >= 0 else { matched = false; break }
                    if key >= 0 && (layout.nameKeys[Int(id)] != key || layout.namespaces[Int(id)] != namespace) {
                        matched = false
                        break
                    }
                    topmost = id
                    id = layout.parents[Int(id)]
                }
                guard matched, !alternative.anchored || topmost == 0 else { continue }
                if alternative.predicate?(node) ?? true { return true }
            }
            return false
        }
    }

    init(_ pattern: Pattern) {
        self.pattern = pattern
        keyCount = RuleIndex.keys.count
        contexts = pattern.rules.map { CompiledContext($0.context) }
        var lists = Array(repeating: [Int32](), count: keyCount + 1)
        for (name, indexes) in pattern.byName {
            if let key = RuleIndex.keys[name] { lists[key] = indexes.map(Int32.init) }
        }
        let wildcard = pattern.wildcard.map(Int32.init)
        for key in 0...keyCount { lists[key] = (lists[key] + wildcard).sorted() }
        offsets = .allocate(capacity: keyCount + 2)
        let total = lists.reduce(0) { $0 + $1.count }
        candidates = .allocate(capacity: max(total, 1))
        var position: Int32 = 0
        for key in 0...keyCount {
            offsets[key] = position
            for index in lists[key] {
                candidates[Int(position)] = index
                position += 1
            }
        }
        offsets[keyCount + 1] = position
        // Lives as long as the process: patterns are built once, as static rule sets.
    }

    /// The first rule whose context matches `node` (first-match semantics, rule order kept).
    func rule(for node: Node) -> Rule? {
        let key = node.nameKey >= 0 ? node.nameKey : keyCount
        let start = Int(offsets[key])
        let end = Int(offsets[key + 1])
        guard start < end else { return nil }
        for position in start..<end {
            let index = Int(candidates[position])
            if contexts[index].matches(node) { return pattern.rules[index] }
        }
        return nil
    }
}

/// Keys for the local names rule contexts name, over every rule set: elements are matched against
/// contexts by comparing integers.
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
        var alternatives: [Alternative] = []
        for part in pattern.split(separator: "|") {
            var text = part.trimmingCharacters(in: " ")
            var anchored = false
            if text.hasPrefix("//") {
                text.removeFirst(2)
            } else if text.hasPrefix("/") {
                text.removeFirst()
                anchored = true
            }
            let steps: [(Namespace, String?)] = text.split(separator: "/").map { step in
                if step == "*" { return (.other, nil) }
                let pieces = step.split(separator: ":", maxSplits: 1)
                let prefix = Array(pieces[0].utf8)
                let namespace = prefix.withUnsafeBytes { Namespace(prefix: $0) } ?? .other
                return (namespace, String(pieces[1]))
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

private extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        var text = self
        while text.first == character { text.removeFirst() }
        while text.last == character { text.removeLast() }
        return String(text)
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
