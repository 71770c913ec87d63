/// An invoice's values as Dutch readers expect them: `€ 1.210,00`, `3 december 2026`, VAT
/// categories and units of measure in words. For the invoice for people (HTML and PDF).
public enum DutchText {
    /// `€ 1.210,00`, `€ -5,50`, `USD 12,00`: two decimals, `.` between thousands.
    public static func amount(_ value: DecimalNumber, currency: String) -> String {
        let symbol = currency == "EUR" ? "€" : currency
        return "\(symbol) \(grouped(value.rounded(scale: 2).description))"
    }

    public static func amount(_ amount: Amount) -> String { self.amount(amount.value, currency: amount.currencyID) }

    /// A quantity or rate as written: `1.000,5`, `21`.
    public static func number(_ value: DecimalNumber) -> String { grouped(value.description) }

    static func grouped(_ plain: String) -> String {
        var digits = Substring(plain)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var whole = ""
        for (index, digit) in parts[0].enumerated() {
            if index > 0 && (parts[0].count - index) % 3 == 0 { whole.append(".") }
            whole.append(digit)
        }
        return (negative ? "-" : "") + whole + (parts.count > 1 ? "," + parts[1] : "")
    }

    static let months = [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
    ]

    /// `3 december 2026`.
    public static func date(_ date: LocalDate) -> String {
        "\(date.day) \(months[(date.month - 1).clamped(to: 0...11)]) \(date.year)"
    }

    /// The VAT category in words ("Vrijgesteld van btw", "Btw verlegd"), with the rate where one applies.
    public static func vatCategory(_ category: TaxCategory?) -> String {
        guard let category else { return "" }
        let rate = category.percent.map { " \(number($0))%" } ?? ""
        switch category.id {
        case "S": return "Btw" + rate
        case "Z": return "Btw 0% (nultarief)"
        case "E": return "Vrijgesteld van btw"
        case "AE": return "Btw verlegd"
        case "K": return "Intracommunautaire levering, btw verlegd"
        case "G": return "Uitvoer buiten de EU, geen btw"
        case "O": return "Niet onderworpen aan btw"
        case "L": return "IGIC" + rate
        case "M": return "IPSI" + rate
        default: return "Btw-categorie \(category.id)" + rate
        }
    }

    /// A UN/ECE Recommendation 20 unit in words, or the code itself for the rarer ones.
    public static func unit(_ code: String?) -> String {
        guard let code else { return "" }
        return units[code] ?? code
    }

    static let units: [String: String] = [
        "C62": "stuk", "H87": "stuk", "EA": "stuk", "XPP": "stuk", "HUR": "uur", "MIN": "minuut", "DAY": "dag", "WEE": "week",
        "MON": "maand", "ANN": "jaar", "KGM": "kg", "GRM": "g", "TNE": "ton", "MTR": "m", "KMT": "km", "MTK": "m²", "MTQ": "m³",
        "LTR": "liter", "KWH": "kWh", "SET": "set", "PR": "paar", "LS": "post",
    ]
}

extension Int {
    fileprivate func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
