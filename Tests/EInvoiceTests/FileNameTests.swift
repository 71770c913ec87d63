import EInvoice
import Testing

/// File names made from what a sender wrote: one name, bounded, nothing a file system or a shell
/// would read as more than a name.
struct FileNameTests {
    @Test(arguments: [
        ("F2026-0001.xml", "F2026-0001.xml"), ("../../etc/passwd.xml", "_.._etc_passwd.xml"), ("..", "document"),
        ("a/b\\c:d*e?f\"g<h>i|j.pdf", "a_b_c_d_e_f_g_h_i_j.pdf"), ("F\t1\n2\u{1B}[31m.xml", "F_1_2_[31m.xml"),
        ("  .hidden.xml", "hidden.xml"), ("-rf.xml", "rf.xml"), ("Factuur\u{202E}lmx.exe", "Factuur_lmx.exe"), ("", "document"),
    ])
    func harmless(_ name: String, _ expected: String) {
        #expect(FileName.safe(name) == expected)
    }

    @Test func boundedWithItsExtensionAndDistinguisher() {
        let long = String(repeating: "9", count: 300) + ".xml"
        #expect(FileName.safe(long).utf8.count == FileName.maxBytes)
        #expect(FileName.safe(long).hasSuffix("9.xml"))
        let distinguished = FileName.safe(long, distinguisher: "XCNIN100001")
        #expect(distinguished.utf8.count <= FileName.maxBytes)
        #expect(distinguished.hasSuffix(" (XCNIN100001).xml"))
        // Multi-byte characters are never cut in half.
        let accented = FileName.safe(String(repeating: "é", count: 200) + ".pdf")
        #expect(accented.utf8.count <= FileName.maxBytes && accented.hasSuffix("é.pdf"))
        #expect(FileName.safe(String(repeating: ".", count: 100_000)) == "document")
    }
}
