import EInvoice
import Foundation
import Testing

@Suite("PDF rendering")
struct InvoicePDFTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Every object the cross-reference table names starts at its offset, and startxref points at
    /// the table: what a reader needs to open the file.
    func checkStructure(_ pdf: [UInt8]) throws {
        #expect(pdf.starts(with: Array("%PDF-1.4\n".utf8)))
        #expect(text(Array(pdf.suffix(6))) == "%%EOF\n")
        let whole = String(decoding: pdf, as: Unicode.ASCII.self)
        let startxref = try #require(whole.range(of: "startxref\n", options: .backwards))
        let xrefOffset = try #require(Int(whole[startxref.upperBound...].prefix { $0.isNumber }))
        #expect(text(Array(pdf[xrefOffset..<xrefOffset + 4])) == "xref")
        let table = whole[whole.index(whole.startIndex, offsetBy: xrefOffset)...]
        let entries = table.split(separator: "\n").dropFirst(3).prefix { $0.hasSuffix(" n ") }
        #expect(entries.count >= 7)
        for (index, entry) in entries.enumerated() {
            let offset = try #require(Int(entry.prefix(10)))
            #expect(text(Array(pdf[offset..<offset + "\(index + 1) 0 obj".utf8.count])) == "\(index + 1) 0 obj")
        }
        #expect(whole.contains("/Size \(entries.count + 1) "))
    }

    @Test("A well-formed file, the same bytes for the same invoice")
    func structure() throws {
        let invoice = ExampleInvoices.siUBL(number: "F2026-0042", lineCount: 3)
        let pdf = InvoicePDF.render(invoice, footer: "Delivery ID XCNIN100001")
        try checkStructure(pdf)
        #expect(pdf == InvoicePDF.render(invoice, footer: "Delivery ID XCNIN100001"))
        let content = text(pdf)
        for expected in [
            "(Factuur F2026-0042)", "(Voorbeeld Leverancier B.V.)", "(OIN 00000001003214321000)",
            "(Te betalen)", " \(InvoiceWords.dutch.amount(invoice.totals.payableAmount).dropFirst(2)))", "(Delivery ID XCNIN100001)",
            "(Pagina 1 van 1)", "/BaseFont /Helvetica",
        ] {
            #expect(content.contains(expected), "\(expected)")
        }
    }

    @Test("In English: the labels, amounts and dates of InvoiceWords.english, nothing Dutch left")
    func english() throws {
        var invoice = ExampleInvoices.siUBL(number: "F2026-0043", lineCount: 2)
        invoice.typeCode = "381"
        let pdf = InvoicePDF.render(invoice, words: .english)
        try checkStructure(pdf)
        let content = text(pdf)
        let total = InvoiceWords.english.amount(invoice.totals.payableAmount)
        for expected in [
            "(Credit note F2026-0043)", "(To receive)", "(Description)", "(Quantity)", "(Page 1 of 1)",
            "(\(total.replacingOccurrences(of: "€", with: "\\200")))", "(Total excl. VAT)",
        ] {
            #expect(content.contains(expected), "\(expected)")
        }
        for dutch in ["(Te ontvangen)", "(Omschrijving)", "Pagina", "Totaal", "Btw-nummer"] { #expect(!content.contains(dutch), "\(dutch)") }
    }

    @Test("Long invoices continue on numbered pages with the column header repeated")
    func pages() throws {
        let pdf = InvoicePDF.render(ExampleInvoices.siUBL(lineCount: 150))
        try checkStructure(pdf)
        let content = text(pdf)
        let pages = content.components(separatedBy: "/Type /Page ").count - 1
        #expect(pages >= 3)
        #expect(content.contains("(Pagina \(pages) van \(pages))"))
        #expect(content.components(separatedBy: "(Omschrijving)").count - 1 == pages)
        // The invoice's number on every page: the heading, the document's Info title, and each footer.
        #expect(content.components(separatedBy: "(Factuur F2026-0001)").count - 1 == pages + 2)
        #expect(content.contains("(Artikel 150)"))
    }

    @Test("Parentheses, backslashes and accented characters are escaped for the standard fonts")
    func escaping() throws {
        var builder = InvoiceBuilder(
            id: "F(1)\\2", issueDate: LocalDate("2026-02-28")!, seller: ExampleInvoices.supplier, buyer: ExampleInvoices.governmentCustomer)
        builder.addLine(name: "Café (€ 5,-) — naïef 日本", quantity: 1, netPrice: "5.00")
        let pdf = InvoicePDF.render(try builder.build())
        try checkStructure(pdf)
        let content = text(pdf)
        #expect(content.contains("(Factuur F\\(1\\)\\\\2)"))
        // é = \351, € = \200, — = \227, ï = \357; characters outside WinAnsi become '?'.
        #expect(content.contains("(Caf\\351 \\(\\200 5,-\\) \\227 na\\357ef ??)"))
    }

    /// A 60,000-character item name once cost 17 s of CPU (every shorter prefix was measured
    /// again); every text a sender wrote is now clipped to its column in one pass, so the page
    /// holds what fits and the file stays small.
    @Test("Long words are clipped to their column, once")
    func longWordsAreClipped() throws {
        var invoice = ExampleInvoices.siUBL(number: String(repeating: "N", count: 300), lineCount: 2)
        let word = String(repeating: "W", count: 60_000)
        invoice.lines[0].item.name = word
        invoice.notes = [String(repeating: "é", count: 60_000)]
        invoice.buyerReference = word
        let pdf = InvoicePDF.render(invoice, footer: word)
        try checkStructure(pdf)
        #expect(pdf.count < 20_000)
        let content = text(pdf)
        #expect(content.contains("WWW...) Tj"))
        // The item column is 250 points wide: about 40 W's at 9 points, "..." included.
        let clipped = try #require(content.split(separator: "\n").first { $0.contains("WWW...") && $0.contains(" 9 Tf ") })
        #expect(clipped.filter { $0 == "W" }.count < 45)
    }
}
