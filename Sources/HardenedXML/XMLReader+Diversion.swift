extension XMLReader {
    /// Reads a document in one pass, except that one element, with everything in it, goes to
    /// `sink` instead of the tree: a document carried inside this one (a SOAP `Payload`, the
    /// business document of a Standard Business Document) is then read straight into the form
    /// its reader keeps (the validator's flat tree), not into a tree that would be copied again.
    ///
    /// The diverted element is the first, in document order, for which `isDiverted(ancestors,
    /// name)` holds, `ancestors` being its open ancestors from the root down; nothing after it is
    /// diverted. `sink` sees the lines of the document that carries the element (where the sender
    /// of a SOAP request finds them); with no sink, the element is checked as XML and left out.
    /// Returns the tree without the diverted element, and where that element stood (nil when no
    /// element was diverted): a caller that also takes the element's bytes by a path
    /// (``XMLExcerpt``) compares that path with its ancestors, so what it reads is what it keeps.
    public func read(
        _ bytes: some Collection<UInt8>, diverting isDiverted: (_ ancestors: [XMLName], _ element: XMLName) -> Bool,
        to sink: (any XMLElementSink)?
    ) throws(XMLReadError) -> (root: XMLElement, diverted: DivertedElement?) {
        try withoutActuallyEscaping(isDiverted) { (isDiverted) throws(XMLReadError) in
            let builder = DivertingTreeBuilder(diverting: isDiverted, to: sink)
            try read(bytes, into: builder)
            guard let root = builder.tree.root else { throw XMLReadError(.malformed, "document has no root element") }
            return (root, builder.diverted)
        }
    }
}

/// Where the element that ``XMLReader/read(_:diverting:to:)`` diverted stood.
public struct DivertedElement: Sendable, Equatable {
    /// Its ancestors, from the root down.
    public var ancestors: [XMLName]
    /// How many of its siblings came before it.
    public var precedingSiblings: Int

    public init(ancestors: [XMLName], precedingSiblings: Int) {
        self.ancestors = ancestors
        self.precedingSiblings = precedingSiblings
    }
}

/// Builds the tree and hands one element's events to another sink.
private final class DivertingTreeBuilder: XMLElementSink {
    let tree = ElementTreeBuilder()
    private let sink: (any XMLElementSink)?
    private let isDiverted: ([XMLName], XMLName) -> Bool
    // Touched only by the reader's events, one at a time (see ``TreeBuilder``).
    /// The open elements of the tree.
    @exclusivity(unchecked) private var ancestors: [XMLName] = []
    /// Open elements of the diverted element, itself included; 0 outside it.
    @exclusivity(unchecked) private var divertedDepth = 0
    @exclusivity(unchecked) private(set) var diverted: DivertedElement?

    init(diverting isDiverted: @escaping ([XMLName], XMLName) -> Bool, to sink: (any XMLElementSink)?) {
        self.isDiverted = isDiverted
        self.sink = sink
    }

    func expect(elements: Int) { sink?.expect(elements: elements) }

    func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
        if divertedDepth > 0 {
            divertedDepth += 1
            sink?.start(name: name, namespace: namespace, attributes: attributes, line: line)
            return
        }
        let element = XMLName(namespace, name)
        if diverted == nil, isDiverted(ancestors, element) {
            diverted = DivertedElement(ancestors: ancestors, precedingSiblings: tree.open.last?.children.count ?? 0)
            divertedDepth = 1
            sink?.start(name: name, namespace: namespace, attributes: attributes, line: line)
            return
        }
        ancestors.append(element)
        tree.start(name: name, namespace: namespace, attributes: attributes, line: line)
    }

    func end(text: String) {
        if divertedDepth > 0 {
            divertedDepth -= 1
            sink?.end(text: text)
            return
        }
        ancestors.removeLast()
        tree.end(text: text)
    }
}
