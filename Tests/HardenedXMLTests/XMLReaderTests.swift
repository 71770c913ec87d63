import Foundation
import HardenedXML
import Testing

@Suite(.timeLimit(.minutes(10)))
struct XMLReaderTests {
    func read(_ text: String, limits: XMLReader.Limits = .init()) throws(XMLReadError) -> XMLElement {
        try XMLReader(limits: limits).read(Array(text.utf8))
    }

    @Test func readsElementsAttributesNamespacesAndText() throws {
        let root = try read(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <r:Root xmlns:r="urn:root" xmlns:c="urn:c"><!-- a comment -->
              <c:Amount currencyID="EUR">12.50</c:Amount>
              <c:Text>a &amp; b &lt; c &#233; <![CDATA[<raw>]]></c:Text>
            </r:Root>
            """)
        #expect(root.name == "Root" && root.namespace == "urn:root")
        #expect(root.children.count == 2)
        #expect(root.children[0].attribute("currencyID") == "EUR")
        #expect(root.children[0].text == "12.50")
        #expect(root.children[0].line == 3)
        #expect(root.children[1].text == "a & b < c é <raw>")
        #expect(root.text.isEmpty)
    }

    @Test func convertsDeclaredEncodings() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf".utf8)
        bytes.append(0xE9)
        bytes += Array("</a>".utf8)
        #expect(try XMLReader().read(bytes).text == "café")
    }

    @Test func refusesExternalEntities() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <foo>&xxe;</foo>
            """
        let error = #expect(throws: XMLReadError.self) { try read(xxe) }
        #expect(error?.code == .dtdForbidden)
    }

    @Test func refusesNetworkDTDs() {
        let error = #expect(throws: XMLReadError.self) {
            try read(#"<!DOCTYPE foo SYSTEM "http://203.0.113.1/evil.dtd"><foo/>"#)
        }
        #expect(error?.code == .dtdForbidden)
    }

    @Test func billionLaughsStopsAtOnce() {
        var entities = #"<!ENTITY lol0 "lol">"#
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]><lolz>&lol9;</lolz>"
        // The suite's time limit turns a hang into a failure.
        let error = #expect(throws: XMLReadError.self) { try read(bomb) }
        #expect(error?.code == .dtdForbidden)
    }

    @Test func refusesUndeclaredEntities() {
        let error = #expect(throws: XMLReadError.self) { try read("<a>&nbsp;</a>") }
        #expect(error?.code == .entityForbidden)
    }

    @Test(arguments: ["", "not xml", "<a>", "<a></b>", "<a><b></a>", "<a/><b/>", "<a x='1' x='2'/>", "\u{FEFF}<a>&</a>"])
    func refusesMalformedXML(_ text: String) {
        let error = #expect(throws: XMLReadError.self) { try read(text) }
        #expect(error?.code == .malformed)
        #expect(error?.message.isEmpty == false)
    }

    @Test func saysWhenTheContentIsNotXMLAtAll() {
        for text in ["not xml", "%PDF-1.4"] {
            let error = #expect(throws: XMLReadError.self) { try read(text) }
            #expect(error?.message.hasPrefix("not XML") == true, "\(text): \(error?.message ?? "")")
        }
        let blank = #expect(throws: XMLReadError.self) { try read("   \n  ") }
        #expect(blank?.message == "document is empty")
    }

    @Test func limitsDepth() throws {
        let deep = String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)
        let error = #expect(throws: XMLReadError.self) { try read(deep) }
        #expect(error?.code == .tooDeep)
        let fine = String(repeating: "<a>", count: 64) + String(repeating: "</a>", count: 64)
        #expect(try read(fine).name == "a")
        // Far deeper than any stack could take must still be a clean error.
        let abyss = String(repeating: "<a>", count: 100_000)
        #expect(throws: XMLReadError.self) { try read(abyss) }
    }

    @Test func limitsSize() {
        let error = #expect(throws: XMLReadError.self) {
            try read("<a>" + String(repeating: "x", count: 2_000) + "</a>", limits: .init(maxBytes: 1_000))
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func errorsSayWhere() {
        let error = #expect(throws: XMLReadError.self) { try read("<a>\n<b>\n</a>") }
        #expect(error?.line == 3)
        #expect(error?.description.contains("line 3") == true)
    }

    @Test func concurrentReadsAreIndependent() async throws {
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask { try XMLReader().read(Array("<n>\(index)</n>".utf8)).text }
            }
            var seen = Set<String>()
            for try await text in group { seen.insert(text) }
            #expect(seen.count == 32)
        }
    }

    /// libxml2 compares each attribute of a tag with every earlier one, so a tag with 200,000
    /// attributes cost half a minute of CPU; the reader refuses it before libxml2 sees it.
    @Test func refusesTagsWithTooManyAttributes() throws {
        let attributes = (0..<200_000).map { " a\($0)=\"\"" }.joined()
        let error = #expect(throws: XMLReadError.self) { try read("<?xml version=\"1.0\"?>\n<a\(attributes)/>") }
        #expect(error?.code == .tooManyAttributes)
        #expect(error?.line == 2)
        let declarations = (0..<200_000).map { " xmlns:p\($0)=\"urn:\($0)\"" }.joined()
        #expect(throws: XMLReadError.self) { try read("<a\(declarations)/>") }
        // Up to the limit is fine, with `=` and `>` inside values and quotes of both kinds.
        let allowed = (0..<64).map { $0 % 2 == 0 ? " a\($0)=\"x=>'\"" : " a\($0)='y=>\"'" }.joined()
        let root = try read("<a\(allowed)></a>")
        #expect(root.attributes.count == 64)
        #expect(root.attribute("a0") == "x=>'")
    }

    @Test func refusesTooManyNamespaceDeclarationsInScope() throws {
        // 100 levels would be too deep anyway; 8 levels of 40 declarations are 320 in scope.
        let level = (0..<40).map { " xmlns:p\($0)=\"urn:\($0)\"" }.joined()
        let nested = String(repeating: "<a\(level)>", count: 8) + String(repeating: "</a>", count: 8)
        let error = #expect(throws: XMLReadError.self) { try read(nested) }
        #expect(error?.code == .tooManyNamespaces)
        // Declarations end with their element: siblings may each declare as many.
        let siblings = "<r>" + String(repeating: "<a\(level)/><b\(level)></b>", count: 1_000) + "</r>"
        #expect(try read(siblings).children.count == 2_000)
        // A default namespace on every element is one declaration per level.
        let defaults = String(repeating: "<a xmlns=\"urn:x\">", count: 60) + String(repeating: "</a>", count: 60)
        #expect(try read(defaults).namespace == "urn:x")
    }

    @Test func markupInCommentsCDATAAndInstructionsIsNotCounted() throws {
        let many = String(repeating: " x=\"1\"", count: 100)
        let root = try read("<a><!--<b\(many)>--><![CDATA[<b\(many)>]]><?pi <b\(many)>?>text</a>")
        #expect(root.text == "<b\(many)>text")
    }

    /// libxml2 reports an attribute's `&` as `&#38;` when entities are not substituted; found by
    /// the fuzzer as `currencyID="EUR&amp;"` that read back as `EUR&#38;`.
    @Test func ampersandsInAttributeValues() throws {
        let root = try read(#"<a x="R&amp;D" y="&#38;&amp;#38;" z="&lt;&#60;"/>"#)
        #expect(root.attribute("x") == "R&D")
        #expect(root.attribute("y") == "&&#38;")
        #expect(root.attribute("z") == "<<")
    }

    /// Every element becomes a value of some tens of bytes: `<a/>` repeated would cost about 30
    /// times the document's size, so nodes may be no denser than one per 8 bytes (after 4,096).
    @Test func refusesDocumentsDenserThanOneNodePerEightBytes() throws {
        let dense = "<r>" + String(repeating: "<a/>", count: 100_000) + "</r>"
        let error = #expect(throws: XMLReadError.self) { try read(dense) }
        #expect(error?.code == .tooManyNodes)
        #expect(try read("<r>" + String(repeating: "<a/>", count: 4_000) + "</r>").children.count == 4_000)
        let ordinary = "<r>" + String(repeating: "<cbc:ID xmlns:cbc=\"urn:c\">1</cbc:ID>", count: 100_000) + "</r>"
        #expect(try read(ordinary).children.count == 100_000)
    }

    /// Keeps the names of the elements that end, and has enough after `last`.
    final class NamesUntil: XMLElementSink {
        let last: String
        var names: [String] = []
        var open: [String] = []
        init(_ last: String) { self.last = last }
        func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) { open.append(name) }
        func end(text: String) { names.append(open.removeLast()) }
        var hasEnough: Bool { names.last == last }
    }

    @Test func aSinkWithEnoughEndsTheParseThere() throws {
        // What follows the element the sink wanted is not read, broken or not.
        let sink = NamesUntil("b")
        try XMLReader().read(Array("<r><a>1</a><b>2</b><c>3</c><d>4</oops></r>".utf8), into: sink)
        #expect(sink.names == ["a", "b"])
        // What comes before it is checked as always.
        #expect(throws: XMLReadError.self) { try XMLReader().read(Array("<r><a>1</oops><b>2</b></r>".utf8), into: NamesUntil("b")) }
        #expect(throws: XMLReadError.self) { try XMLReader().read(Array("<!DOCTYPE r><r><b/></r>".utf8), into: NamesUntil("b")) }
    }

    @Test func oneElementDivertedWhileTheRestIsATree() throws {
        let xml = Array("<r>\n<h/>\n<p><d a=\"1\">\n<e>x</e></d><d2/></p><p><later/></p></r>".utf8)
        final class Starts: XMLElementSink {
            var names: [String] = []
            var lines: [Int] = []
            func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
                names.append(name)
                lines.append(line)
            }
            func end(text: String) {}
        }
        let names = Starts()
        let (root, diverted) = try XMLReader().read(xml, diverting: { ancestors, _ in ancestors.last?.localName == "p" }, to: names)
        // The first match only, with everything in it; nothing after it; the rest is the tree.
        #expect(names.names == ["d", "e"])
        #expect(diverted == DivertedElement(ancestors: [XMLName("", "r"), XMLName("", "p")], precedingSiblings: 0))
        #expect(root.children.map(\.name) == ["h", "p", "p"])
        #expect(root.children[1].children.map(\.name) == ["d2"] && root.children[2].children.map(\.name) == ["later"])
        // Lines of the document that carries it.
        #expect(names.lines == [3, 4])
        // Without a sink the element is left out, and still checked.
        let withoutSink = try XMLReader().read(xml, diverting: { ancestors, _ in ancestors.count == 2 }, to: nil)
        #expect(withoutSink.root.children[1].children.map(\.name) == ["d2"])
        #expect(throws: XMLReadError.self) {
            try XMLReader().read(Array("<r><p><d></e></d></p></r>".utf8), diverting: { ancestors, _ in ancestors.count == 2 }, to: nil)
        }
    }
}
