#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An element's own bytes, cut out of a larger document as they were written.
///
/// A document carried inside another (an invoice inside a SOAP `Payload`) is a legal original:
/// the receiver must get the bytes the sender wrote, comments, processing instructions, white
/// space, prefixes and signatures included, not a re-serialization of a parsed tree. The excerpt
/// is the element from the `<` of its start tag to the `>` of its end tag; the only change is
/// that the namespace declarations it uses but inherits from the outer document are added to its
/// start tag (copied as they were written there), so the excerpt means the same on its own. An
/// element that uses the default namespace without any declaration in scope gets `xmlns=""`, so
/// it keeps meaning the same when embedded again under some other default namespace.
///
/// Call it on a document ``XMLReader`` has accepted: the scan is lexical and linear, and trusts
/// that the markup is well-formed. Only UTF-8 documents can be cut (their bytes are the excerpt's
/// bytes); any other declared encoding is refused with ``XMLReadError/Code/notUTF8``.
public enum XMLExcerpt {
    /// The first child element of the element reached by `path` (expanded names from the root
    /// down), or nil when the path or the child is not there.
    /// Children named in `skipping` are passed over (the payload after an SBDH's header).
    public static func firstChildElement(
        under path: [XMLName], skipping: [XMLName] = [], in bytes: some Collection<UInt8>
    ) throws(XMLReadError) -> [UInt8]? {
        try excerpt(under: path, skipping: skipping, in: bytes, between: [], and: [])
    }

    /// The root element's bytes without what may surround it (byte order mark, XML declaration,
    /// comments, white space): the form a document takes inside another. `before` and `after`
    /// come first and last in the same array (the document that will hold it), so a large
    /// document is copied once, not twice.
    public static func rootElement(
        in bytes: some Collection<UInt8>, between before: [UInt8] = [], and after: [UInt8] = []
    ) throws(XMLReadError) -> [UInt8]? {
        try excerpt(under: [], skipping: [], in: bytes, between: before, and: after)
    }

    private static func excerpt(
        under path: [XMLName], skipping: [XMLName], in bytes: some Collection<UInt8>, between before: [UInt8], and after: [UInt8]
    ) throws(XMLReadError) -> [UInt8]? {
        let result =
            bytes.withContiguousStorageIfAvailable { scan($0, path, skipping, before, after) }
            ?? Array(bytes).withUnsafeBufferPointer { scan($0, path, skipping, before, after) }
        return try result.get()
    }

    private struct Declaration {
        /// The prefix's bytes; empty for the default namespace.
        var prefix: Range<Int>
        /// The whole attribute as written (`xmlns:cbc="…"`).
        var attribute: Range<Int>
        /// The namespace name, entities resolved.
        var value: [UInt8]
    }

    private static func scan(
        _ b: UnsafeBufferPointer<UInt8>, _ path: [XMLName], _ skipping: [XMLName], _ before: [UInt8], _ after: [UInt8]
    ) -> Result<[UInt8]?, XMLReadError> {
        if let refusal = refuseOtherEncodings(b) { return .failure(refusal) }
        let expected = path.map { (namespace: Array($0.namespace.utf8), name: Array($0.localName.utf8)) }
        var declarations: [Declaration] = []
        // Per open element: where its declarations begin in `declarations`.
        var open: [Int] = []
        var matched = 0  // how many elements of `path` the open elements match, from the root
        var excerpt: (start: Int, nameEnd: Int, depth: Int, declarationBase: Int)?
        var inherited: [Range<Int>] = []  // prefixes the excerpt uses without declaring them
        var i = 0
        let n = b.count
        // Made once: compared against every element's prefix and every attribute's name.
        let xml = Array("xml".utf8)
        let xmlns = Array("xmlns".utf8)
        let commentEnd = Array("-->".utf8), cdataEnd = Array("]]>".utf8), instructionEnd = Array("?>".utf8)

        /// Where `byte` next occurs at or after `start` (memchr), or `n`.
        func position(of byte: UInt8, from start: Int) -> Int {
            guard start < n, let base = b.baseAddress, let found = memchr(base + start, Int32(byte), n - start) else { return n }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        /// Just past the next `>`, or `n`.
        func pastTagEnd(from start: Int) -> Int { min(position(of: 0x3E, from: start) + 1, n) }
        /// Just past the next `terminator` (of a comment, CDATA section or processing instruction), or `n`.
        func skip(past terminator: [UInt8], from start: Int) -> Int {
            ByteSearch.firstRange(of: terminator, in: b, from: start)?.upperBound ?? n
        }
        func isNameEnd(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x2F || c == 0x3E || c == 0x3D }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
        func equal(_ range: Range<Int>, _ other: Range<Int>) -> Bool {
            range.count == other.count && zip(range, other).allSatisfy { b[$0] == b[$1] }
        }
        func equal(_ range: Range<Int>, _ bytes: [UInt8]) -> Bool {
            range.count == bytes.count && zip(range, bytes.indices).allSatisfy { b[$0] == bytes[$1] }
        }
        /// The innermost declaration of `prefix` at or above `floor`, as an index into `declarations`.
        func lookup(_ prefix: Range<Int>, from floor: Int) -> Int? {
            var k = declarations.count - 1
            while k >= floor {
                if equal(declarations[k].prefix, prefix) { return k }
                k -= 1
            }
            return nil
        }
        /// Splits a qualified name into prefix (empty range when none) and local name.
        func split(_ name: Range<Int>) -> (prefix: Range<Int>, local: Range<Int>) {
            if let colon = name.first(where: { b[$0] == 0x3A }) { return (name.lowerBound..<colon, colon + 1..<name.upperBound) }
            return (name.lowerBound..<name.lowerBound, name)
        }
        func noteUse(_ prefix: Range<Int>, isElement: Bool) {
            guard let excerpt, excerpt.depth > 0 else { return }  // a root inherits nothing
            if prefix.isEmpty && !isElement { return }  // unprefixed attributes are in no namespace
            if equal(prefix, xml) { return }
            if lookup(prefix, from: excerpt.declarationBase) != nil { return }
            if !inherited.contains(where: { equal($0, prefix) }) { inherited.append(prefix) }
        }

        while i < n {
            guard b[i] == 0x3C else {  // text up to the next markup
                i = position(of: 0x3C, from: i)
                continue
            }
            let markup = i
            if i + 1 < n && b[i + 1] == 0x21 {  // <!
                if i + 3 < n && b[i + 2] == 0x2D && b[i + 3] == 0x2D {
                    i = skip(past: commentEnd, from: i + 4)
                } else if i + 8 < n && b[i + 2] == 0x5B {  // <![CDATA[
                    i = skip(past: cdataEnd, from: i + 9)
                } else {
                    return .failure(XMLReadError(.dtdForbidden, "a document type declaration (<!DOCTYPE>) is not allowed"))
                }
                continue
            }
            if i + 1 < n && b[i + 1] == 0x3F {  // <? … ?>
                i = skip(past: instructionEnd, from: i + 2)
                continue
            }
            if i + 1 < n && b[i + 1] == 0x2F {  // an end tag
                i = pastTagEnd(from: i + 2)
                let depth = open.count - 1
                guard depth >= 0 else { break }
                declarations.removeSubrange(open.removeLast()...)
                if matched > depth { matched = depth }
                if let found = excerpt, depth == found.depth {
                    return .success(assemble(b, found.start, found.nameEnd, i, inherited, declarations))
                }
                continue
            }
            // A start tag: its name, then attributes up to > or />.
            var j = i + 1
            while j < n && !isNameEnd(b[j]) { j += 1 }
            let name = i + 1..<j
            let declarationBase = declarations.count
            var attributeNames: [Range<Int>] = []
            var selfClosing = false
            while j < n {
                while j < n && isSpace(b[j]) { j += 1 }
                guard j < n else { break }
                if b[j] == 0x3E { j += 1; break }
                if b[j] == 0x2F { selfClosing = true; j = pastTagEnd(from: j); break }
                let attributeStart = j
                while j < n && !isNameEnd(b[j]) { j += 1 }
                let attributeName = attributeStart..<j
                while j < n && b[j] != 0x22 && b[j] != 0x27 { j += 1 }  // past = to the quote
                guard j < n else { break }
                let quote = b[j]
                let valueStart = j + 1
                j = valueStart
                j = position(of: quote, from: j)
                let value = valueStart..<j
                j += 1
                let (prefix, local) = split(attributeName)
                if prefix.isEmpty && equal(local, xmlns) {
                    declarations.append(
                        Declaration(prefix: local.lowerBound..<local.lowerBound, attribute: attributeStart..<j, value: resolved(b, value)))
                } else if equal(prefix, xmlns) {
                    declarations.append(Declaration(prefix: local, attribute: attributeStart..<j, value: resolved(b, value)))
                } else {
                    attributeNames.append(attributeName)
                }
            }
            i = j
            let depth = open.count
            open.append(declarationBase)
            let (prefix, local) = split(name)
            if excerpt == nil && matched == path.count && depth == path.count {
                let namespace = lookup(prefix, from: 0).map { declarations[$0].value } ?? []
                let skipped = skipping.contains { equal(local, Array($0.localName.utf8)) && namespace == Array($0.namespace.utf8) }
                if !skipped { excerpt = (markup, name.upperBound, depth, declarationBase) }
            }
            if excerpt != nil {
                noteUse(prefix, isElement: true)
                for attribute in attributeNames { noteUse(split(attribute).prefix, isElement: false) }
            } else if matched == depth && depth < path.count {
                let namespace = lookup(prefix, from: 0).map { declarations[$0].value } ?? []
                if equal(local, expected[depth].name) && namespace == expected[depth].namespace { matched = depth + 1 }
            }
            if selfClosing {
                declarations.removeSubrange(open.removeLast()...)
                if matched > depth { matched = depth }
                if let found = excerpt, depth == found.depth {
                    return .success(assemble(b, found.start, found.nameEnd, i, inherited, declarations))
                }
            }
        }
        return .success(nil)

        /// The excerpt with the inherited declarations it uses added after its name, between `before` and `after`.
        func assemble(
            _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ nameEnd: Int, _ end: Int, _ inherited: [Range<Int>],
            _ outer: [Declaration]
        ) -> [UInt8] {
            var result: [UInt8] = []
            result.reserveCapacity(before.count + end - start + inherited.count * 64 + after.count)
            result.append(contentsOf: before)
            result.append(contentsOf: b[start..<nameEnd])
            for prefix in inherited {
                result.append(0x20)
                if let k = lookup(prefix, from: 0) {
                    result.append(contentsOf: b[outer[k].attribute])
                } else if prefix.isEmpty {
                    result.append(contentsOf: Array("xmlns=\"\"".utf8))
                }
            }
            result.append(contentsOf: b[nameEnd..<end])
            result.append(contentsOf: after)
            return result
        }
    }

    /// A UTF-16 byte order mark, or an XML declaration naming an encoding other than UTF-8 (or its
    /// subset ASCII), makes the document's bytes something other than UTF-8 text.
    private static func refuseOtherEncodings(_ b: UnsafeBufferPointer<UInt8>) -> XMLReadError? {
        let refusal = XMLReadError(.notUTF8, "the document is not encoded in UTF-8")
        guard b.count >= 2 else { return nil }
        if (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) || b[0] == 0 || b[1] == 0 { return refusal }
        var start = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { start = 3 }
        let declaration = Array("<?xml".utf8)
        guard b.count - start > declaration.count, (0..<declaration.count).allSatisfy({ b[start + $0] == declaration[$0] }) else {
            return nil
        }
        var end = start
        while end + 1 < b.count && !(b[end] == 0x3F && b[end + 1] == 0x3E) { end += 1 }
        let text = Substring(String(decoding: b[start..<end], as: UTF8.self))
        guard let found = text.indices.first(where: { text[$0...].hasPrefix("encoding") }) else { return nil }
        let rest = text[text.index(found, offsetBy: 8)...].drop { $0 == " " || $0 == "=" || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let name = rest.dropFirst().prefix { $0 != quote }.lowercased()
        return ["utf-8", "utf8", "us-ascii", "ascii"].contains(name) ? nil : refusal
    }

    /// An attribute value with its character and predefined entity references resolved.
    private static func resolved(_ b: UnsafeBufferPointer<UInt8>, _ value: Range<Int>) -> [UInt8] {
        let raw = Array(b[value])
        guard raw.contains(0x26) else { return raw }
        var text = String(decoding: raw, as: UTF8.self)
        for (reference, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'")] {
            text = text.replacingOccurrences(reference, with: character)
        }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            let after = rest[ampersand...]
            if after.hasPrefix("&#"), let semicolon = after.firstIndex(of: ";") {
                let digits = after[after.index(ampersand, offsetBy: 2)..<semicolon]
                let scalar = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                if let scalar, let unicode = Unicode.Scalar(scalar) {
                    result.unicodeScalars.append(unicode)
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            if after.hasPrefix("&amp;") {
                result += "&"
                rest = after.dropFirst(5)
            } else {
                result += "&"
                rest = after.dropFirst()
            }
        }
        result += rest
        return Array(result.utf8)
    }
}

/// A namespace and a local name.
public struct XMLName: Hashable, Sendable {
    public var namespace: String
    public var localName: String
    public init(_ namespace: String, _ localName: String) {
        self.namespace = namespace
        self.localName = localName
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
