/// An invoice's values as its readers expect them, in Dutch (`€ 1.210,00`, `3 december 2026`,
/// "Vrijgesteld van btw") or English (`€1,210.00`, `3 December 2026`, "Exempt from VAT"). For the
/// invoice for people (HTML and PDF).
public struct InvoiceWords: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case dutch = "nl"
        case english = "en"
    }

    public let language: Language

    public static let dutch = InvoiceWords(language: .dutch)
    public static let english = InvoiceWords(language: .english)

    public init(language: Language) { self.language = language }

    /// Two decimals, thousands grouped: `€ 1.210,00` / `€1,210.00`, `€ -5,50` / `-€5.50`, `USD 12,00` / `USD 12.00`.
    public func amount(_ value: DecimalNumber, currency: String) -> String {
        let digits = grouped(value.rounded(scale: 2).description)
        let symbol = currency == "EUR" ? "€" : currency
        switch language {
        case .dutch: return "\(symbol) \(digits)"
        case .english:
            let separator = currency == "EUR" ? "" : " "
            return digits.hasPrefix("-") ? "-\(symbol)\(separator)\(digits.dropFirst())" : "\(symbol)\(separator)\(digits)"
        }
    }

    public func amount(_ amount: Amount) -> String { self.amount(amount.value, currency: amount.currencyID) }

    /// A quantity or rate as written: `1.000,5` / `1,000.5`, `21`.
    public func number(_ value: DecimalNumber) -> String { grouped(value.description) }

    func grouped(_ plain: String) -> String {
        let (thousands, decimal) = language == .dutch ? (".", ",") : (",", ".")
        var digits = Substring(plain)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var whole = ""
        for (index, digit) in parts[0].enumerated() {
            if index > 0 && (parts[0].count - index) % 3 == 0 { whole.append(thousands) }
            whole.append(digit)
        }
        return (negative ? "-" : "") + whole + (parts.count > 1 ? decimal + parts[1] : "")
    }

    static let months: [Language: [String]] = [
        .dutch: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
        .english: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    ]

    /// `3 december 2026` / `3 December 2026`.
    public func date(_ date: LocalDate) -> String {
        "\(date.day) \(Self.months[language]![min(max(date.month - 1, 0), 11)]) \(date.year)"
    }

    /// The VAT category in words, with the rate where one applies.
    public func vatCategory(_ category: TaxCategory?) -> String {
        guard let category else { return "" }
        let rate = category.percent.map { " \(number($0))%" } ?? ""
        let dutch = language == .dutch
        switch category.id {
        case "S": return (dutch ? "Btw" : "VAT") + rate
        case "Z": return dutch ? "Btw 0% (nultarief)" : "VAT 0% (zero rated)"
        case "E": return dutch ? "Vrijgesteld van btw" : "Exempt from VAT"
        case "AE": return dutch ? "Btw verlegd" : "VAT reverse charge"
        case "K": return dutch ? "Intracommunautaire levering, btw verlegd" : "Intra-community supply, VAT reverse charge"
        case "G": return dutch ? "Uitvoer buiten de EU, geen btw" : "Export outside the EU, no VAT"
        case "O": return dutch ? "Niet onderworpen aan btw" : "Not subject to VAT"
        case "L": return "IGIC" + rate
        case "M": return "IPSI" + rate
        default: return (dutch ? "Btw-categorie \(category.id)" : "VAT category \(category.id)") + rate
        }
    }

    /// A party's registration with the name of its register: `KvK 12345678`, `OIN …`, `KBO …`,
    /// `GLN …`; the bare value for other schemes.
    public func identifier(_ identifier: Identifier) -> String {
        let registers = ["0106": "KvK", "0190": "OIN", "0208": "KBO", "0088": "GLN"]
        return registers[identifier.schemeID ?? ""].map { "\($0) \(identifier.value)" } ?? identifier.value
    }

    /// The words an invoice for people is labelled with, the same in the HTML view and the PDF.
    public enum Label: String, CaseIterable, Sendable {
        case invoice, creditNote, issueDate, dueDate, date, yourReference, order, contract, project, precedingInvoice
        case period, through, note, payTo, paymentReference, lineTotal, allowances, charges, allowance, charge
        case totalExclVAT, totalInclVAT, vatShort, vatOver, prepaid, toPay, toReceive, vatNumber, from, to
        case description, quantity, unit, price, amount, payment, inNameOf, withReference, page, pageOf
    }

    public func label(_ label: Label) -> String {
        (language == .dutch ? Self.dutchLabels : Self.englishLabels)[label]!
    }

    /// Every label by its name, for templates.
    public var labels: [String: String] {
        Dictionary(uniqueKeysWithValues: Label.allCases.map { ($0.rawValue, label($0)) })
    }

    static let dutchLabels: [Label: String] = [
        .invoice: "Factuur", .creditNote: "Creditnota", .issueDate: "Factuurdatum", .dueDate: "Vervaldatum", .date: "Datum",
        .yourReference: "Uw referentie", .order: "Ordernummer", .contract: "Contract", .project: "Project",
        .precedingInvoice: "Factuur waarop dit betrekking heeft", .period: "Periode", .through: "t/m", .note: "Opmerking",
        .payTo: "Betalen op rekening", .paymentReference: "Betalingskenmerk", .lineTotal: "Totaal regels", .allowances: "Kortingen",
        .charges: "Toeslagen", .allowance: "Korting", .charge: "Toeslag", .totalExclVAT: "Totaal excl. btw",
        .totalInclVAT: "Totaal incl. btw", .vatShort: "Btw", .vatOver: "over", .prepaid: "Al betaald", .toPay: "Te betalen",
        .toReceive: "Te ontvangen", .vatNumber: "Btw-nummer", .from: "Van", .to: "Aan", .description: "Omschrijving",
        .quantity: "Aantal", .unit: "Eenheid", .price: "Prijs", .amount: "Bedrag", .payment: "Betaling op", .inNameOf: "t.n.v.",
        .withReference: "o.v.v.", .page: "Pagina", .pageOf: "van",
    ]

    static let englishLabels: [Label: String] = [
        .invoice: "Invoice", .creditNote: "Credit note", .issueDate: "Invoice date", .dueDate: "Due date", .date: "Date",
        .yourReference: "Your reference", .order: "Order number", .contract: "Contract", .project: "Project",
        .precedingInvoice: "Invoice this refers to", .period: "Period", .through: "to", .note: "Note", .payTo: "Pay to account",
        .paymentReference: "Payment reference", .lineTotal: "Lines total", .allowances: "Allowances", .charges: "Charges",
        .allowance: "Allowance", .charge: "Charge", .totalExclVAT: "Total excl. VAT", .totalInclVAT: "Total incl. VAT",
        .vatShort: "VAT", .vatOver: "on", .prepaid: "Paid already", .toPay: "To pay", .toReceive: "To receive",
        .vatNumber: "VAT number", .from: "From", .to: "To", .description: "Description", .quantity: "Quantity", .unit: "Unit",
        .price: "Price", .amount: "Amount", .payment: "Payment to", .inNameOf: "in the name of", .withReference: "quoting",
        .page: "Page", .pageOf: "of",
    ]

    /// A UN/ECE Recommendation 20 unit in words, or the code itself for the rarer ones.
    public func unit(_ code: String?) -> String {
        guard let code else { return "" }
        return Self.units[code].map { language == .dutch ? $0.dutch : $0.english } ?? code
    }

    static let units: [String: (dutch: String, english: String)] = [
        "C62": ("stuk", "piece"), "H87": ("stuk", "piece"), "EA": ("stuk", "each"), "XPP": ("stuk", "piece"), "HUR": ("uur", "hour"),
        "MIN": ("minuut", "minute"), "DAY": ("dag", "day"), "WEE": ("week", "week"), "MON": ("maand", "month"), "ANN": ("jaar", "year"),
        "KGM": ("kg", "kg"), "GRM": ("g", "g"), "TNE": ("ton", "tonne"), "MTR": ("m", "m"), "KMT": ("km", "km"), "MTK": ("m²", "m²"),
        "MTQ": ("m³", "m³"), "LTR": ("liter", "litre"), "KWH": ("kWh", "kWh"), "SET": ("set", "set"), "PR": ("paar", "pair"),
        "LS": ("post", "lump sum"),
    ]
}
