#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A linear pass over the bytes before libxml2 sees them, refusing the shapes on which libxml2's
/// own work grows faster than the input: it compares each attribute of a start tag with every
/// earlier one (200,000 attributes cost half a minute of CPU), and looks a prefix up among all
/// namespace declarations in scope. With at most ``XMLReader/Limits/maxAttributes`` per element
/// and ``XMLReader/Limits/maxNamespaceDeclarations`` in scope, a parse of n bytes costs O(n).
///
/// It also bounds the tree's memory: every element and attribute becomes a value of some tens of
/// bytes, so a document may have at most one node per ``XMLReader/Limits/minimumBytesPerNode``
/// bytes (beyond the first 4,096). `<a/><a/>…` would otherwise cost some 30 times its size.
///
/// The pass only counts; everything else about well-formedness is libxml2's to judge. A
/// `<!DOCTYPE` ends the pass: libxml2 refuses it before reading further.
enum MarkupBudget {
    /// `elements` is set to the number of start tags seen (all of them when nothing is refused).
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, limits: XMLReader.Limits, elements: inout Int) -> XMLReadError? {
        guard let base = bytes.baseAddress else { return nil }
        let end = bytes.count
        var position = 0
        /// Namespace declarations of each open element, innermost last.
        var scopes: [Int] = []
        var inScope = 0
        let maxNodes = 4_096 + end / max(1, limits.minimumBytesPerNode)
        var nodes = 0

        func find(_ byte: UInt8, from start: Int) -> Int {
            guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return end }
            return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
        }
        /// The index just past the first `terminator` at or after `start` (the end if none).
        func skip(past terminator: StaticString, from start: Int) -> Int {
            let pattern = UnsafeBufferPointer(start: terminator.utf8Start, count: terminator.utf8CodeUnitCount)
            var index = start
            while true {
                index = find(pattern[0], from: index)
                if index + pattern.count > end { return end }
                if (1..<pattern.count).allSatisfy({ base[index + $0] == pattern[$0] }) { return index + pattern.count }
                index += 1
            }
        }
        func hasPrefix(_ prefix: StaticString, at index: Int) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard index + count <= end else { return false }
            return (0..<count).allSatisfy { base[index + $0] == prefix.utf8Start[$0] }
        }
        func refusal(_ code: XMLReadError.Code, _ message: String, at index: Int) -> XMLReadError {
            var line = 1
            for offset in 0..<min(index, end) where base[offset] == 0x0A { line += 1 }
            return XMLReadError(code, message, line: line)
        }

        while true {
            position = find(UInt8(ascii: "<"), from: position) + 1
            guard position < end else { return nil }
            switch base[position] {
            case UInt8(ascii: "/"):
                inScope -= scopes.popLast() ?? 0
                position = find(UInt8(ascii: ">"), from: position)
            case UInt8(ascii: "?"):
                position = skip(past: "?>", from: position)
            case UInt8(ascii: "!"):
                if hasPrefix("!--", at: position) {
                    position = skip(past: "-->", from: position + 3)
                } else if hasPrefix("![CDATA[", at: position) {
                    position = skip(past: "]]>", from: position)
                } else {
                    return nil  // a document type declaration: libxml2 stops at it
                }
            default:
                // A start tag: count `=` outside quoted values, and which names are `xmlns…`.
                let tagStart = position
                nodes += 1
                elements += 1
                var attributes = 0
                var declarations = 0
                var tokenStart = position
                var index = position
                var closed = false
                while index < end {
                    let byte = base[index]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        index = find(byte, from: index + 1) + 1
                        tokenStart = index
                        continue
                    }
                    if byte == UInt8(ascii: ">") {
                        closed = index > tagStart && base[index - 1] == UInt8(ascii: "/")
                        break
                    }
                    if byte.isXMLWhitespace {
                        tokenStart = index + 1
                    } else if byte == UInt8(ascii: "=") {
                        attributes += 1
                        if attributes > limits.maxAttributes {
                            return refusal(
                                .tooManyAttributes,
                                "an element has more than \(limits.maxAttributes) attributes", at: tagStart)
                        }
                        if hasPrefix("xmlns", at: tokenStart) { declarations += 1 }
                    }
                    index += 1
                }
                position = index
                nodes += attributes
                if nodes > maxNodes {
                    return refusal(
                        .tooManyNodes,
                        "the document has more elements and attributes than one per \(limits.minimumBytesPerNode) bytes",
                        at: tagStart)
                }
                if closed { continue }
                inScope += declarations
                if inScope > limits.maxNamespaceDeclarations {
                    return refusal(
                        .tooManyNamespaces,
                        "more than \(limits.maxNamespaceDeclarations) namespace declarations are in scope", at: tagStart)
                }
                scopes.append(declarations)
                // Deeper than the reader allows: the parse refuses it, with the line, at that element.
                if scopes.count > limits.maxDepth { return nil }
            }
        }
    }
}
