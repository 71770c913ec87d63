import Foundation
import HardenedXML
import Testing

@Suite(.timeLimit(.minutes(1)))
struct XMLReaderTests {
    func read(_ text: String, limits: XMLReader.Limits = .init()) throws(XMLReadError) -> XMLElement {
        try XMLReader(limits: limits).read(Array(text.utf8))
    }

    @Test func readsElementsAttributesNamespacesAndText() throws {
        let root = try read("""
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
}
