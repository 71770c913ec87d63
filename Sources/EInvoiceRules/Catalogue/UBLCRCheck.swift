/// Evaluates the whole UBL-CR catalogue in one pass: the catalogue's paths form two tries (paths
/// from the root, and `//` paths that start anywhere), the document is descended along them, and
/// every path that reaches a node (with its attribute, where the path names one) is a rule that
/// fires. Names are compared as ``RuleIndex`` keys.
struct UBLCRCheck: Sendable {
    private final class TrieNode: @unchecked Sendable {
        /// By ``key(_:_:)`` of the child step.
        var children: [Int: TrieNode] = [:]
        /// Rule numbers whose path ends here, with the attribute it must carry (nil: the element).
        var rules: [(number: String, attribute: String?)] = []
    }

    private static func key(_ namespace: Namespace, _ nameKey: Int) -> Int { nameKey << 3 | Int(namespace.rawValue) }

    /// Paths from the root element.
    private let anchored = TrieNode()
    /// `//…` paths: the first level matches any element of the document.
    private let anywhere = TrieNode()
    /// `//@x` entries: the attribute anywhere.
    private let anyAttribute: [(number: String, attribute: String)]

    static let shared = UBLCRCheck(UBLCRCatalogue.entries)

    /// The local names the catalogue's paths step through (for ``RuleIndex``).
    static let elementNames: Set<String> = Set(
        UBLCRCatalogue.entries.flatMap { entry in
            steps(of: entry.path).path.flatMap { $0.map(\.name) }
        })

    /// `a/b|c/@x` → steps of alternatives `(namespace, name)`, the attribute, and whether it is a `//` path.
    private static func steps(of path: String) -> (path: [[(namespace: Namespace, name: String)]], attribute: String?, anywhere: Bool) {
        let anywhere = path.hasPrefix("//")
        var elementPath = Substring(anywhere ? path.dropFirst(2) : Substring(path))
        var attribute: String?
        if let at = elementPath.firstIndex(of: "@") {
            attribute = String(elementPath[elementPath.index(after: at)...])
            elementPath = elementPath[..<at]
        }
        let steps = elementPath.split(separator: "/").map { step in
            step.split(separator: "|").map { alternative in
                let parts = alternative.split(separator: ":", maxSplits: 1)
                let namespace = Array(parts[0].utf8).withUnsafeBytes { Namespace(prefix: $0) } ?? .other
                return (namespace, String(parts[1]))
            }
        }
        return (steps, attribute, anywhere)
    }

    init(_ entries: [(number: String, path: String)]) {
        var anyAttribute: [(String, String)] = []
        for (number, path) in entries {
            let (steps, attribute, isAnywhere) = Self.steps(of: path)
            if steps.isEmpty, let attribute {
                anyAttribute.append((number, attribute))
                continue
            }
            var frontier = [isAnywhere ? anywhere : anchored]
            for step in steps {
                var next: [TrieNode] = []
                for (namespace, name) in step {
                    let key = Self.key(namespace, RuleIndex.keys[name]!)
                    for node in frontier {
                        let child = node.children[key] ?? TrieNode()
                        node.children[key] = child
                        next.append(child)
                    }
                }
                frontier = next
            }
            for node in frontier { node.rules.append((number, attribute)) }
        }
        self.anyAttribute = anyAttribute
    }

    /// The numbers of the UBL-CR rules the document breaks.
    func violations(in document: Node) -> Set<String> {
        var found = Set<String>()
        func step(_ node: Node, _ trie: TrieNode) -> TrieNode? {
            guard node.nameKey >= 0, let next = trie.children[Self.key(node.namespace, node.nameKey)] else { return nil }
            for rule in next.rules where rule.attribute.map({ node.hasAttribute($0) }) ?? true {
                found.insert(rule.number)
            }
            return next
        }
        func descend(_ node: Node, _ trie: TrieNode) {
            for child in node.children {
                if let next = step(child, trie), !next.children.isEmpty { descend(child, next) }
            }
        }
        descend(document, anchored)
        for id in 0..<Int32(document.tree.count) {
            let element = document.node(id)
            if let next = step(element, anywhere), !next.children.isEmpty { descend(element, next) }
        }
        for (number, attribute) in anyAttribute where !document.elements(withAttribute: attribute).isEmpty {
            found.insert(number)
        }
        return found
    }
}
