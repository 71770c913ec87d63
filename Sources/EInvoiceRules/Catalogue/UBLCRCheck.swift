/// Evaluates the whole UBL-CR catalogue in one pass: the catalogue's paths form a trie (paths
/// from the root, and `//` paths whose first step matches any element), the document is descended
/// along it, and every path that reaches a node (with its attribute, where the path names one) is
/// a rule that fires. Steps are compared as ``RuleIndex`` keys; the trie is flat arrays.
struct UBLCRCheck: Sendable {
    /// Trie node n's children are `childKeys/childNodes[childStart[n] ..< childStart[n + 1]]`,
    /// sorted by key; its rules are `rules[ruleStart[n] ..< ruleStart[n + 1]]`.
    private let childStart: [Int32]
    private let childKeys: [Int32]
    private let childNodes: [Int32]
    private let ruleStart: [Int32]
    /// Catalogue index of the rule, and the attribute the element must carry (nil: the element).
    private let rules: [(entry: Int, attribute: String?)]
    /// The trie node a `//` path's first step leads to, by the element's ``key(_:_:)``; -1 for none.
    private let anywhere: [Int32]
    /// `//@x` entries: the attribute anywhere.
    private let anyAttribute: [(entry: Int, attribute: String)]

    /// The root of the paths anchored at the document element.
    private static let anchored: Int32 = 0

    static let shared = UBLCRCheck(parsedCatalogue)

    /// The catalogue's paths, read once for the trie and for ``elementNames``.
    private static let parsedCatalogue = UBLCRCatalogue.entries.map { steps(of: $0.path) }

    private static func key(_ namespace: Namespace, _ nameKey: Int) -> Int { nameKey << 3 | Int(namespace.rawValue) }

    /// The local names the catalogue's paths step through (for ``RuleIndex``).
    static let elementNames: Set<String> = Set(parsedCatalogue.flatMap { entry in entry.path.flatMap { $0.map(\.name) } })

    /// `a/b|c/@x` → steps of alternatives `(namespace, name)`, the attribute, and whether it is a
    /// `//` path. Read as bytes: the catalogue is read at every process start.
    private static func steps(of path: String) -> (path: [[(namespace: Namespace, name: String)]], attribute: String?, anywhere: Bool) {
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        let anywhere = bytes.count >= 2 && bytes[0] == slash && bytes[1] == slash
        var end = bytes.count
        var attribute: String?
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            attribute = String(decoding: bytes[(at + 1)...], as: UTF8.self)
            end = at
        }
        var steps: [[(namespace: Namespace, name: String)]] = []
        for step in bytes[(anywhere ? 2 : 0)..<end].split(separator: slash) {
            steps.append(step.split(separator: UInt8(ascii: "|")).map(Namespace.qualifiedName))
        }
        return (steps, attribute, anywhere)
    }

    private init(_ entries: [(path: [[(namespace: Namespace, name: String)]], attribute: String?, anywhere: Bool)]) {
        // Built as nested dictionaries, then laid out flat.
        var children: [[Int: Int]] = [[:], [:]]  // 0: anchored root, 1: anywhere root
        var rulesOf: [[(Int, String?)]] = [[], []]
        var anyAttribute: [(Int, String)] = []
        for (entry, (steps, attribute, isAnywhere)) in entries.enumerated() {
            if steps.isEmpty, let attribute {
                anyAttribute.append((entry, attribute))
                continue
            }
            var frontier = [isAnywhere ? 1 : 0]
            for step in steps {
                var next: [Int] = []
                for (namespace, name) in step {
                    let key = Self.key(namespace, RuleIndex.keys[name]!)
                    for node in frontier {
                        let child = children[node][key] ?? children.count
                        if child == children.count {
                            children.append([:])
                            rulesOf.append([])
                            children[node][key] = child
                        }
                        next.append(child)
                    }
                }
                frontier = next
            }
            for node in frontier { rulesOf[node].append((entry, attribute)) }
        }
        var childStart: [Int32] = []
        var childKeys: [Int32] = []
        var childNodes: [Int32] = []
        var ruleStart: [Int32] = []
        var rules: [(Int, String?)] = []
        for node in children.indices {
            childStart.append(Int32(childKeys.count))
            for (key, child) in children[node].sorted(by: { $0.key < $1.key }) {
                childKeys.append(Int32(key))
                childNodes.append(Int32(child))
            }
            ruleStart.append(Int32(rules.count))
            rules += rulesOf[node]
        }
        childStart.append(Int32(childKeys.count))
        ruleStart.append(Int32(rules.count))
        var anywhere = [Int32](repeating: -1, count: Self.key(.other, RuleIndex.keys.count) + 8)
        for (key, child) in children[1] { anywhere[key] = Int32(child) }
        (self.childStart, self.childKeys, self.childNodes, self.ruleStart, self.rules) = (childStart, childKeys, childNodes, ruleStart, rules)
        self.anywhere = anywhere
        self.anyAttribute = anyAttribute
    }

    /// Per catalogue entry, whether the document breaks it.
    func violations(in document: Node) -> [Bool] {
        var broken = [Bool](repeating: false, count: UBLCRCatalogue.entries.count)
        func reached(_ node: Node, _ trieNode: Int32) {
            for rule in Int(ruleStart[Int(trieNode)])..<Int(ruleStart[Int(trieNode) + 1]) {
                if let attribute = rules[rule].attribute, !node.hasAttribute(attribute) { continue }
                broken[rules[rule].entry] = true
            }
        }
        func descend(_ node: Node, _ trieNode: Int32) {
            let start = Int(childStart[Int(trieNode)])
            let end = Int(childStart[Int(trieNode) + 1])
            guard start < end else { return }
            for child in node.children where child.nameKey >= 0 {
                let key = Int32(Self.key(child.namespace, child.nameKey))
                var low = start
                var high = end
                while low < high {
                    let middle = (low + high) / 2
                    if childKeys[middle] < key { low = middle + 1 } else { high = middle }
                }
                guard low < end, childKeys[low] == key else { continue }
                reached(child, childNodes[low])
                descend(child, childNodes[low])
            }
        }
        descend(document, Self.anchored)
        for id in 0..<Int32(document.tree.count) {
            let element = document.node(id)
            guard element.nameKey >= 0 else { continue }
            let trieNode = anywhere[Self.key(element.namespace, element.nameKey)]
            guard trieNode >= 0 else { continue }
            reached(element, trieNode)
            descend(element, trieNode)
        }
        for (entry, attribute) in anyAttribute where !document.elements(withAttribute: attribute).isEmpty {
            broken[entry] = true
        }
        return broken
    }
}
