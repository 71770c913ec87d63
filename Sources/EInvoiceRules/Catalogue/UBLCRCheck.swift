/// Evaluates the whole UBL-CR catalogue in one walk: the catalogue's root-anchored paths form a
/// trie, the document is descended along it once, and every path that reaches a node (with its
/// attribute, where the path names one) is a rule that fires.
struct UBLCRCheck: Sendable {
    private final class TrieNode: @unchecked Sendable {
        var children: [Step: TrieNode] = [:]
        /// Rule numbers whose path ends here, with the attribute it must carry (nil: the element).
        var rules: [(number: String, attribute: String?)] = []
    }

    private struct Step: Hashable {
        let namespace: Namespace
        let name: String
    }

    private let root = TrieNode()
    /// `//…` entries, checked through the document's name indexes: the element path (empty for
    /// `//@x`) and the attribute it must carry, if any.
    private let anywhere: [(number: String, elementPath: String, attribute: String?)]

    static let shared = UBLCRCheck(UBLCRCatalogue.entries)

    init(_ entries: [(number: String, path: String)]) {
        var anywhere: [(String, String, String?)] = []
        for (number, path) in entries {
            if path.hasPrefix("//") {
                let parts = path.split(separator: "@", maxSplits: 1)
                var elementPath = String(parts[0])
                while elementPath.hasSuffix("/") { elementPath.removeLast() }
                anywhere.append((number, elementPath, parts.count > 1 ? String(parts[1]) : nil))
                continue
            }
            var elementPath = Substring(path)
            var attribute: String?
            if let at = path.range(of: "/@") {
                elementPath = path[..<at.lowerBound]
                attribute = String(path[at.upperBound...])
            }
            var frontier = [root]
            for step in elementPath.split(separator: "/") {
                var next: [TrieNode] = []
                for alternative in step.split(separator: "|") {
                    let parts = alternative.split(separator: ":", maxSplits: 1)
                    let prefix = Array(parts[0].utf8)
                    let namespace = prefix.withUnsafeBytes { Namespace(prefix: $0) } ?? .other
                    let key = Step(namespace: namespace, name: String(parts[1]))
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
        self.anywhere = anywhere
    }

    /// The numbers of the UBL-CR rules the document breaks.
    func violations(in document: Node) -> Set<String> {
        var found = Set<String>()
        func descend(_ node: Node, _ trie: TrieNode) {
            for child in node.children {
                guard let next = trie.children[Step(namespace: child.namespace, name: child.name)] else { continue }
                for rule in next.rules where rule.attribute.map({ child.hasAttribute($0) }) ?? true {
                    found.insert(rule.number)
                }
                if !next.children.isEmpty { descend(child, next) }
            }
        }
        descend(document, root)
        for (number, elementPath, attribute) in anywhere where !found.contains(number) {
            let present: Bool
            switch (elementPath.isEmpty || elementPath == "/", attribute) {
            case (true, let attribute?): present = !document.elements(withAttribute: attribute).isEmpty
            case (_, let attribute?):
                var hit = false
                document.select(path: elementPath) { node in
                    hit = node.hasAttribute(attribute)
                    return !hit
                }
                present = hit
            case (_, nil): present = document.exists(path: elementPath)
            }
            if present { found.insert(number) }
        }
        return found
    }
}
