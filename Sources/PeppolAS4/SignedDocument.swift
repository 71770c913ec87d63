import CLibXML2
import Foundation
import HardenedXML

/// An XML document held as libxml2's tree, for what only the exact nodes can give: the element an
/// id names and its exclusive canonical form (C14N), which is what XML signatures digest. Every
/// `Id` attribute (`wsu:Id` or unqualified) is indexed once and must be unique: a reference that
/// could mean two elements is how signature-wrapping attacks start.
///
/// libxml2 reads only bytes known to be harmless: written by this access point (an envelope or
/// metadata being signed), or read by ``XMLReader`` first, as ``SignedDocument`` does.
class CanonicalDocument {
    private let document: xmlDocPtr
    private var elementsByID: [String: xmlNodePtr] = [:]

    init(libxml2Reading bytes: [UInt8]) throws(AS4Error) {
        silenceLibxml2()
        let options = Int32(XML_PARSE_NONET.rawValue) | Int32(XML_PARSE_HUGE.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
                }
            }
        }
        guard let parsed else { throw AS4Error(.invalidHeader, "the SOAP envelope cannot be parsed") }
        document = parsed
        guard parsed.pointee.intSubset == nil, xmlDocGetRootElement(parsed) != nil else {
            throw AS4Error(.invalidHeader, "the SOAP envelope has a document type declaration")
        }
        try indexIDs(root)
    }

    deinit { xmlFreeDoc(document) }

    var root: xmlNodePtr { xmlDocGetRootElement(document)! }

    /// The one element whose `Id` is `id`.
    func element(withID id: String) -> xmlNodePtr? { elementsByID[id] }

    private func indexIDs(_ top: xmlNodePtr) throws(AS4Error) {
        var stack = [top]
        while let node = stack.popLast() {
            var attribute = node.pointee.properties
            while let current = attribute {
                if Self.string(current.pointee.name) == "Id" {
                    let namespace = current.pointee.ns.map { Self.string($0.pointee.href) } ?? ""
                    if namespace.isEmpty || namespace == AS4Namespace.wsu {
                        let value = Self.attributeValue(current)
                        guard elementsByID.updateValue(node, forKey: value) == nil else {
                            throw AS4Error(.failedAuthentication, "the id \"\(value)\" is used more than once")
                        }
                    }
                }
                attribute = current.pointee.next
            }
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_ELEMENT_NODE { stack.append(current) }
                child = current.pointee.next
            }
        }
    }

    /// The expanded names of `node` and its ancestors, the node first.
    func path(of node: xmlNodePtr) -> [XMLName] {
        var names: [XMLName] = []
        var current: xmlNodePtr? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            names.append(Self.name(of: element))
            current = element.pointee.parent
        }
        return names
    }

    /// The first element with this name, in document order.
    func firstElement(named name: XMLName) -> xmlNodePtr? {
        var stack = [root]
        while let node = stack.popLast() {
            if Self.name(of: node) == name { return node }
            stack += children(of: node).reversed()
        }
        return nil
    }

    /// The child elements of `node`, in order.
    func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    static func name(of node: xmlNodePtr) -> XMLName {
        XMLName(node.pointee.ns.map { string($0.pointee.href) } ?? "", string(node.pointee.name))
    }

    /// The exclusive XML canonicalization (without comments) of the subtree at `apex`, with the
    /// namespaces of `inclusivePrefixes` treated as in inclusive C14N (`InclusiveNamespaces`).
    ///
    /// The subtree is copied into a document of its own first, with the namespace declarations it
    /// inherits, and that document is canonicalized whole. Exclusive C14N renders a namespace only
    /// where it is used (or named in `inclusivePrefixes`), so where the copy declares it does not
    /// change the output; it gives the same bytes as canonicalizing the subtree in place, which
    /// makes libxml2 visit every node of the whole document (the signature, the certificate, the
    /// other references) once per reference.
    func exclusiveCanonicalForm(of apex: xmlNodePtr, inclusivePrefixes: [String]) throws(AS4Error) -> [UInt8] {
        silenceLibxml2()
        guard let subtree = xmlNewDoc(nil) else { throw AS4Error(.other, "out of memory") }
        defer { xmlFreeDoc(subtree) }
        // The copy declares at its root each namespace its elements and attributes use but inherit.
        guard let copy = xmlDocCopyNode(apex, subtree, 1) else {
            throw AS4Error(.failedAuthentication, "the element cannot be canonicalized")
        }
        xmlDocSetRootElement(subtree, copy)
        // A prefix of the inclusive list is rendered when it is in scope, used or not.
        for prefix in inclusivePrefixes {
            let isDefault = prefix == "#default"
            let found = isDefault ? xmlSearchNs(document, apex, nil) : xmlSearchNs(document, apex, prefix)
            let inCopy = isDefault ? xmlSearchNs(subtree, copy, nil) : xmlSearchNs(subtree, copy, prefix)
            if let found, inCopy == nil { xmlNewNs(copy, found.pointee.href, found.pointee.prefix) }
        }
        return try Self.canonicalForm(of: subtree, visible: nil, subset: nil, exclusive: true, inclusivePrefixes: inclusivePrefixes)
    }

    /// The canonical form (without comments) of the subtree at `apex` (the whole document when
    /// nil) leaving out the subtree at `excluded` (an enveloped signature), in exclusive or
    /// inclusive C14N 1.0.
    func canonicalForm(
        of apex: xmlNodePtr?, excluding excluded: xmlNodePtr?, exclusive: Bool, inclusivePrefixes: [String] = []
    ) throws(AS4Error) -> [UInt8] {
        silenceLibxml2()
        return try Self.canonicalForm(
            of: document, visible: inSubset, subset: Subset(apex: apex, excluded: excluded), exclusive: exclusive,
            inclusivePrefixes: inclusivePrefixes)
    }

    /// libxml2's C14N of `document`, of the nodes `visible` accepts (all when nil).
    private static func canonicalForm(
        of document: xmlDocPtr, visible: xmlC14NIsVisibleCallback?, subset: Subset?, exclusive: Bool, inclusivePrefixes: [String]
    ) throws(AS4Error) -> [UInt8] {
        guard let output = xmlAllocOutputBuffer(nil) else { throw AS4Error(.other, "out of memory") }
        defer { xmlOutputBufferClose(output) }
        let prefixes = inclusivePrefixes.map { strdup($0) }
        defer { prefixes.forEach { free($0) } }
        var list: [UnsafeMutablePointer<xmlChar>?] =
            prefixes.map { $0.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: xmlChar.self) } } + [nil]
        var subset = subset ?? Subset(apex: nil, excluded: nil)
        let mode = exclusive ? XML_C14N_EXCLUSIVE_1_0 : XML_C14N_1_0
        let written = list.withUnsafeMutableBufferPointer { buffer in
            withUnsafeMutablePointer(to: &subset) { subsetPointer in
                xmlC14NExecute(
                    document, visible, visible == nil ? nil : UnsafeMutableRawPointer(subsetPointer), Int32(mode.rawValue),
                    inclusivePrefixes.isEmpty ? nil : buffer.baseAddress, 0, output)
            }
        }
        guard written >= 0, let content = xmlOutputBufferGetContent(output) else {
            throw AS4Error(.failedAuthentication, "the element cannot be canonicalized")
        }
        return Array(UnsafeBufferPointer(start: content, count: Int(xmlOutputBufferGetSize(output))))
    }

    static func string(_ characters: UnsafePointer<xmlChar>?) -> String {
        characters.map { String(cString: $0) } ?? ""
    }

    /// An attribute's value: its text nodes (the document has no entities to expand).
    private static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var value = ""
        var child = attribute.pointee.children
        while let text = child {
            value += string(text.pointee.content)
            child = text.pointee.next
        }
        return value
    }
}

/// A document received from outside: read by ``XMLReader`` (DTDs, entities and oversized input
/// refused) before libxml2 sees it, and kept as that reader's tree for reading values.
final class SignedDocument: CanonicalDocument {
    /// The document as ``XMLReader`` read it, for reading values.
    let tree: HardenedXML.XMLElement

    init(parsing bytes: [UInt8], limits: XMLReader.Limits) throws(AS4Error) {
        do {
            tree = try XMLReader(limits: limits).read(bytes)
        } catch {
            throw AS4Error(.invalidHeader, "the SOAP envelope is not acceptable XML: \(error)")
        }
        try super.init(libxml2Reading: bytes)
    }
}

/// The nodes C14N is asked for: those under `apex` (all when nil), except those under `excluded`.
private struct Subset {
    var apex: xmlNodePtr?
    var excluded: xmlNodePtr?
}

/// Namespace nodes arrive with the element that holds them as `parent`.
private let inSubset: xmlC14NIsVisibleCallback = { userData, node, parent in
    guard let subset = userData?.assumingMemoryBound(to: Subset.self).pointee, let node else { return 0 }
    var current: xmlNodePtr? = node.pointee.type == XML_NAMESPACE_DECL ? parent : node
    var insideApex = subset.apex == nil
    while let element = current {
        if element == subset.excluded { return 0 }
        if element == subset.apex { insideApex = true }
        current = element.pointee.parent
    }
    return insideApex ? 1 : 0
}

/// libxml2 prints what it refuses (a relative namespace URI C14N cannot handle, …) to standard
/// error unless told otherwise; hostile input must not fill a server's log. The refusal itself
/// reaches the caller as a failed parse or canonicalization. The handler is per thread.
private func silenceLibxml2() {
    xmlSetStructuredErrorFunc(nil, { _, _ in })
}
