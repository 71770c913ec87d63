/// A readable PDF of an invoice or credit note, for people: parties, references, lines, VAT
/// breakdown, totals and payment instructions on A4 pages, in Dutch or in English.
///
/// Written by hand (PDF 1.4, the standard Helvetica fonts, no images, no compression) so that it
/// needs nothing beyond this module and gives the same bytes for the same invoice.
///
/// ```swift
/// let pdf: [UInt8] = InvoicePDF.render(invoice, footer: "Delivery ID XCNIN100001")
/// let english = InvoicePDF.render(invoice, words: .english)
/// ```
public enum InvoicePDF {
    public static func render(_ invoice: Invoice, footer: String? = nil, words: InvoiceWords = .dutch) -> [UInt8] {
        var layout = Layout(words: words)
        layout.draw(invoice, footer: footer)
        return Document(pages: layout.finishedPages(), title: title(of: invoice, words)).bytes()
    }

    static func title(of invoice: Invoice, _ words: InvoiceWords) -> String {
        words.label(invoice.kind == .creditNote || invoice.typeCode == "381" ? .creditNote : .invoice) + " " + invoice.id
    }
}

// MARK: - Layout

/// Places text on A4 pages top to bottom, starting a new page when one is full.
private struct Layout {
    static let width = 595.0
    static let height = 842.0
    static let margin = 50.0
    static let bottom = 70.0

    /// One page's content stream operators.
    private var pages: [String] = []
    private var current = ""
    private var y = Layout.height - Layout.margin
    private var invoice: Invoice?
    let words: InvoiceWords

    init(words: InvoiceWords) { self.words = words }

    enum Font: String {
        case regular = "F1"
        case bold = "F2"
    }

    mutating func draw(_ invoice: Invoice, footer: String?) {
        self.invoice = invoice
        let currency = invoice.documentCurrencyCode
        text(InvoicePDF.title(of: invoice, words), x: Layout.margin, size: 18, font: .bold)
        advance(26)
        var dates = "\(words.label(.date)) \(words.date(invoice.issueDate))"
        if let due = invoice.dueDate ?? invoice.paymentMeans.lazy.compactMap(\.paymentDueDate).first {
            dates += "    \(words.label(.dueDate)) \(words.date(due))"
        }
        text(dates, x: Layout.margin, size: 10)
        advance(24)

        let seller = partyLines(invoice.seller)
        let buyer = partyLines(invoice.buyer)
        text(words.label(.from), x: Layout.margin, size: 9, font: .bold)
        text(words.label(.to), x: 310, size: 9, font: .bold)
        advance(13)
        for index in 0..<max(seller.count, buyer.count) {
            if index < seller.count { text(seller[index], x: Layout.margin, size: 10, font: index == 0 ? .bold : .regular) }
            if index < buyer.count { text(buyer[index], x: 310, size: 10, font: index == 0 ? .bold : .regular) }
            advance(13)
        }
        advance(8)
        var references: [String] = []
        if let reference = invoice.buyerReference { references.append("\(words.label(.yourReference)) \(reference)") }
        if let order = invoice.orderReference?.id { references.append("\(words.label(.order)) \(order)") }
        if let preceding = invoice.precedingInvoices.first?.id { references.append("\(words.label(.precedingInvoice)) \(preceding)") }
        if !references.isEmpty {
            text(references.joined(separator: "    "), x: Layout.margin, size: 10)
            advance(20)
        }
        for note in invoice.notes.prefix(3) {
            text(note, x: Layout.margin, size: 9)
            advance(12)
        }
        if !invoice.notes.isEmpty { advance(8) }

        lineHeader()
        for line in invoice.lines {
            if y < Layout.bottom + 20 {
                newPage()
                lineHeader()
            }
            let name = line.item.name ?? line.item.description ?? line.id
            text(name, x: Layout.margin, size: 9, width: 250)
            if let quantity = line.quantity {
                right(words.number(quantity.value) + " " + words.unit(quantity.unitCode), at: 365, size: 9)
            }
            if let price = line.price { right(money(price.priceAmount.value, currency), at: 435, size: 9) }
            right(rate(line.item.taxCategory), at: 480, size: 9)
            if let amount = line.lineExtensionAmount { right(money(amount.value, currency), at: Layout.width - Layout.margin, size: 9) }
            advance(13)
        }
        rule()
        advance(16)

        var totals: [(String, String, Font)] = []
        for adjustment in invoice.allowanceCharges {
            let label = words.label(adjustment.isCharge ? .charge : .allowance)
            totals.append(([label, adjustment.reason].compactMap { $0 }.joined(separator: " "), signed(adjustment), .regular))
        }
        if let net = invoice.totals.taxExclusiveAmount { totals.append((words.label(.totalExclVAT), money(net.value, currency), .regular)) }
        for subtotal in invoice.vatTotal?.subtotals ?? [] {
            let base = subtotal.taxableAmount.map { " \(words.label(.vatOver)) \(money($0.value, currency))" } ?? ""
            totals.append(("\(words.label(.vatShort)) \(rate(subtotal.category))\(base)", money(subtotal.taxAmount.value, currency), .regular))
        }
        if let gross = invoice.totals.taxInclusiveAmount { totals.append((words.label(.totalInclVAT), money(gross.value, currency), .regular)) }
        if let prepaid = invoice.totals.prepaidAmount { totals.append((words.label(.prepaid), money(prepaid.value, currency), .regular)) }
        // A credit note is money the customer receives, not money they pay.
        let isCredit = invoice.kind == .creditNote || invoice.typeCode == "381"
        totals.append((words.label(isCredit ? .toReceive : .toPay), money(invoice.totals.payableAmount.value, currency), .bold))
        for (label, amount, font) in totals {
            if y < Layout.bottom { newPage() }
            right(label, at: 440, size: 10, font: font)
            right(amount, at: Layout.width - Layout.margin, size: 10, font: font)
            advance(14)
        }
        advance(12)
        for means in invoice.paymentMeans {
            if y < Layout.bottom { newPage() }
            guard let account = means.payeeFinancialAccount?.id else { continue }
            var payment = "\(words.label(.payment)) \(account)"
            if let name = means.payeeFinancialAccount?.name { payment += " \(words.label(.inNameOf)) \(name)" }
            if let reference = means.paymentID { payment += " \(words.label(.withReference)) \(reference)" }
            text(payment, x: Layout.margin, size: 10)
            advance(13)
        }
        for terms in invoice.paymentTerms {
            guard let note = terms.note else { continue }
            text(note, x: Layout.margin, size: 10)
            advance(13)
        }
        if let footer {
            text(footer, x: Layout.margin, size: 8, absoluteY: 40)
        }
    }

    /// The pages with the invoice's number bottom left and the page's bottom right, so a page
    /// that comes loose still says what it belongs to.
    mutating func finishedPages() -> [String] {
        newPage()
        let count = pages.count
        let title = invoice.map { InvoicePDF.title(of: $0, words) } ?? ""
        return pages.enumerated().map { index, page in
            var numbered = page
            let label = "\(words.label(.page)) \(index + 1) \(words.label(.pageOf)) \(count)"
            numbered += textOperator(title, x: Layout.margin, y: 40, size: 8, font: .regular)
            numbered += textOperator(label, x: Layout.width - Layout.margin - Metrics.width(of: label, size: 8), y: 40, size: 8, font: .regular)
            return numbered
        }
    }

    // MARK: Pieces

    private func partyLines(_ party: Party) -> [String] {
        var lines: [String] = [party.displayName ?? "—"]
        if let address = party.postalAddress {
            if let street = address.streetName { lines.append(street) }
            if let extra = address.additionalStreetName { lines.append(extra) }
            let city = [address.postalZone, address.cityName].compactMap { $0 }.joined(separator: "  ")
            if !city.isEmpty { lines.append(city) }
            if let country = address.countryCode { lines.append(country) }
        }
        if let legal = party.legalEntity?.companyID { lines.append(words.identifier(legal)) }
        if let vat = party.vatIdentifier { lines.append("\(words.label(.vatNumber)) \(vat)") }
        // The contact, so the reader knows whom to ask.
        if let contact = party.contact {
            lines += [contact.name, contact.telephone, contact.electronicMail].compactMap { $0 }
        }
        return lines
    }

    /// An amount as the reader's language writes it: `€ 1.273,00`, `€1,273.00`.
    private func money(_ value: DecimalNumber, _ currency: String) -> String { words.amount(value, currency: currency) }

    private func rate(_ category: TaxCategory?) -> String {
        guard let category else { return "" }
        if let percent = category.percent, category.category.hasRate, category.category == .standard || percent != .zero {
            return "\(percent)%"
        }
        return category.id
    }

    private func signed(_ adjustment: AllowanceCharge) -> String {
        let value = adjustment.amount.value
        return money(adjustment.isCharge ? value : .zero - value, invoice?.documentCurrencyCode ?? "EUR")
    }

    private mutating func lineHeader() {
        text(words.label(.description), x: Layout.margin, size: 9, font: .bold)
        right(words.label(.quantity), at: 365, size: 9, font: .bold)
        right(words.label(.price), at: 435, size: 9, font: .bold)
        right(words.label(.vatShort), at: 480, size: 9, font: .bold)
        right(words.label(.amount), at: Layout.width - Layout.margin, size: 9, font: .bold)
        advance(5)
        rule()
        advance(12)
    }

    /// `text` cut to `width` with "..." after it: one pass over the characters, however long the
    /// text a sender wrote (measuring every shorter prefix again was quadratic).
    private func clipped(_ text: String, to width: Double, size: Double, font: Font = .regular) -> String {
        let bold = font == .bold
        let available = width - Metrics.width(of: "...", size: size, bold: bold)
        var used = 0.0
        var fits = text.unicodeScalars.startIndex
        for index in text.unicodeScalars.indices {
            used += Metrics.width(of: text.unicodeScalars[index], size: size, bold: bold)
            if used > width {
                return String(text.unicodeScalars[..<fits]) + "..."
            }
            if used <= available { fits = text.unicodeScalars.index(after: index) }
        }
        return text
    }

    private mutating func advance(_ points: Double) { y -= points }

    private mutating func newPage() {
        pages.append(current)
        current = ""
        y = Layout.height - Layout.margin
    }

    private mutating func rule() {
        current += "0.5 w \(Layout.margin) \(format(y)) m \(Layout.width - Layout.margin) \(format(y)) l S\n"
    }

    /// Text from `x`, clipped to `width` or else to the right margin: a sender's text never runs
    /// off the page, and drawing it costs no more than its length.
    private mutating func text(
        _ string: String, x: Double, size: Double, font: Font = .regular, absoluteY: Double? = nil, width: Double? = nil
    ) {
        let shown = clipped(string, to: width ?? (Layout.width - Layout.margin - x), size: size, font: font)
        current += textOperator(shown, x: x, y: absoluteY ?? y, size: size, font: font)
    }

    /// Text ending at `x`, clipped to the left margin (measured once: what is shown fits already).
    private mutating func right(_ string: String, at x: Double, size: Double, font: Font = .regular) {
        let shown = clipped(string, to: x - Layout.margin, size: size, font: font)
        let start = x - Metrics.width(of: shown, size: size, bold: font == .bold)
        current += textOperator(shown, x: start, y: y, size: size, font: font)
    }

    private func textOperator(_ string: String, x: Double, y: Double, size: Double, font: Font) -> String {
        "BT /\(font.rawValue) \(format(size)) Tf \(format(x)) \(format(y)) Td (\(PDFText.escaped(string))) Tj ET\n"
    }
}

private func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}

// MARK: - Text

/// Strings as PDF literal strings in WinAnsiEncoding, the encoding of the standard fonts.
enum PDFText {
    /// The WinAnsi byte of each character; characters the fonts cannot show become `?`.
    static func winAnsi(_ string: String) -> [UInt8] {
        string.unicodeScalars.map(winAnsi)
    }

    static func winAnsi(_ scalar: Unicode.Scalar) -> UInt8 {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0xFF: UInt8(scalar.value)
        case 0x20AC: 0x80  // €
        case 0x2018: 0x91
        case 0x2019: 0x92
        case 0x201C: 0x93
        case 0x201D: 0x94
        case 0x2013: 0x96
        case 0x2014: 0x97
        case 0x2022: 0x95
        case 0x09, 0x0A, 0x0D: 0x20
        default: UInt8(ascii: "?")
        }
    }

    /// The content of `( … )`: backslash, parentheses escaped, bytes above ASCII as octal.
    static func escaped(_ string: String) -> String {
        var result = ""
        for byte in winAnsi(string) {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                result += "\\" + String(UnicodeScalar(byte))
            case 0x20...0x7E:
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result
    }
}

/// Helvetica advance widths (thousandths of the font size) of the characters amounts and labels
/// use, for right-aligned columns; other characters count as a digit.
enum Metrics {
    static func width(of string: String, size: Double, bold: Bool = false) -> Double {
        string.unicodeScalars.reduce(0) { $0 + width(of: $1, size: size, bold: bold) }
    }

    static func width(of scalar: Unicode.Scalar, size: Double, bold: Bool = false) -> Double {
        Double(units(PDFText.winAnsi(scalar), bold: bold)) * size / 1000
    }

    /// Advance width in thousandths of the font size.
    private static func units(_ character: UInt8, bold: Bool) -> Int {
        switch character {
        case UInt8(ascii: "t"), UInt8(ascii: "f"): bold ? 333 : 278
        case UInt8(ascii: " "), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "/"), UInt8(ascii: "i"),
            UInt8(ascii: "j"), UInt8(ascii: "l"), UInt8(ascii: "I"):
            278
        case UInt8(ascii: "r"): bold ? 389 : 333
        case UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"): 333
        case UInt8(ascii: "%"): 889
        case UInt8(ascii: "m"), UInt8(ascii: "M"): 833
        case UInt8(ascii: "w"), UInt8(ascii: "W"): bold ? 778 : 722
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): 667
        case UInt8(ascii: "c"), UInt8(ascii: "k"), UInt8(ascii: "s"), UInt8(ascii: "v"), UInt8(ascii: "x"),
            UInt8(ascii: "y"), UInt8(ascii: "z"):
            bold ? 556 : 500
        default: bold ? 611 : 556
        }
    }
}

// MARK: - File structure

/// The objects of the file: catalog, page tree, two fonts, each page and its content, and the
/// document information; then the cross-reference table with each object's byte offset.
private struct Document {
    let pages: [String]
    let title: String

    func bytes() -> [UInt8] {
        // 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then per page: page, content.
        var objects: [[UInt8]] = []
        let pageIDs = pages.indices.map { 6 + 2 * $0 }
        objects.append(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        objects.append(Array("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>".utf8))
        objects.append(Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8))
        objects.append(Array("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".utf8))
        objects.append(Array("<< /Title (".utf8) + Array(PDFText.escaped(title).utf8) + Array(") /Producer (efactuur) >>".utf8))
        for (index, content) in pages.enumerated() {
            let stream = Array(content.utf8)
            objects.append(
                Array(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(pageIDs[index] + 1) 0 R >>"
                        .utf8))
            objects.append(Array("<< /Length \(stream.count) >>\nstream\n".utf8) + stream + Array("\nendstream".utf8))
        }

        var file = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(file.count)
            file += Array("\(index + 1) 0 obj\n".utf8) + object + Array("\nendobj\n".utf8)
        }
        let xref = file.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return file + Array(table.utf8)
    }
}
