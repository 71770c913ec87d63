// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// The releases of the CEN EN 16931 rules the three rule sets embed (they differ in a few rules).
enum CENVersion: Sendable {
    /// Embedded in Peppol BIS Billing 3.0.19.
    case v1_3_14_1
    /// Embedded in SI-UBL 2.0 validation set 2.0.3.12.
    case v1_3_15
    /// The current EN 16931 release.
    case v1_3_16
}

/// Questions the EN 16931 rules ask of a document over and over, answered the way their XPath
/// does.
extension Node {
    /// `cbc:ChargeIndicator = true()` / `= false()`: the untyped value is cast to a boolean
    /// (`true`/`1`, `false`/`0`); anything else makes the official XSLT stop, and matches neither.
    func isAllowanceCharge(charge: Bool) -> Bool {
        remember(charge ? .isCharge : .isAllowance) { allowanceCharge in
            allowanceCharge.exists("cbc:ChargeIndicator") { node in
                switch node.stringValue.normalizedSpace {
                case "true", "1": return charge
                case "false", "0": return !charge
                default: return false
                }
            }
        }
    }

    /// A `cac:TaxCategory` / `cac:ClassifiedTaxCategory` of VAT category `code`
    /// (`[normalize-space(cbc:ID) = code][cac:TaxScheme/normalize-space(upper-case(cbc:ID))='VAT']`).
    func isVATCategory(_ code: String) -> Bool { categoryID == code && hasVATScheme }

    // MARK: Document-wide questions (asked of any node; they look from the root)

    /// An invoice line, allowance or charge uses VAT category `code` (any tax category with it).
    func documentUsesCategory(_ code: String) -> Bool {
        // Each category's rules ask this; the document's categories are read once.
        if let known = tree.vatCategoryCodes { return known.contains(code) }
        var codes = Set<String>()
        select("//cac:TaxCategory|cac:ClassifiedTaxCategory") { category in
            if category.hasVATScheme {
                category.select("cbc:ID") {
                    codes.insert($0.normalized)
                    return true
                }
            }
            return true
        }
        tree.vatCategoryCodes = codes
        return codes.contains(code)
    }

    /// How many VAT breakdowns of the root have category `code`.
    func breakdownCount(_ code: String) -> Int {
        var count = 0
        root.select("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") { category in
            if category.hasVATScheme {
                category.select("cbc:ID") { id in
                    if id.normalized == code { count += 1 }
                    return true
                }
            }
            return true
        }
        return count
    }

    /// Some line's `cac:ClassifiedTaxCategory` has category `code` (with the VAT scheme when `vat`).
    func lineUsesCategory(_ code: String, vat: Bool = true) -> Bool {
        exists("//cac:ClassifiedTaxCategory") { $0.categoryID == code && (!vat || $0.hasVATScheme) }
    }

    /// Some allowance (`charge` false) or charge has a tax category `code` (VAT scheme when `vat`).
    func allowanceChargeUsesCategory(_ code: String, charge: Bool, vat: Bool = true, documentLevelOnly: Bool = false)
        -> Bool
    {
        let test: (Node) -> Bool = { allowance in
            allowance.isAllowanceCharge(charge: charge)
                && allowance.exists("cac:TaxCategory") { $0.categoryID == code && (!vat || $0.hasVATScheme) }
        }
        if documentLevelOnly { return root.exists("cac:AllowanceCharge", where: test) }
        return exists("//cac:AllowanceCharge", where: test)
    }

    var sellerHasAnyTaxID: Bool { exists("//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") }

    var sellerHasVATID: Bool {
        exists("//cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme") { $0.hasVATScheme && $0.exists("cbc:CompanyID") }
    }

    var taxRepresentativeHasVATID: Bool {
        exists("//cac:TaxRepresentativeParty/cac:PartyTaxScheme") { $0.hasVATScheme && $0.exists("cbc:CompanyID") }
    }

    var buyerHasVATID: Bool {
        exists("//cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme") { $0.hasVATScheme && $0.exists("cbc:CompanyID") }
    }

    var buyerHasLegalID: Bool { exists("//cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID") }

    /// `path = value` after `normalize-space`.
    func any(_ path: StaticString, normalizedEquals value: String) -> Bool {
        exists(path) { $0.normalized == value }
    }
}

/// Exact comparison of an `xs:double` with an `xs:decimal`, as Saxon compares them (the double's
/// exact binary value against the exact decimal).
enum ExactCompare {
    /// -1 when `double < decimal`, 0 when equal, 1 when greater; nil for NaN.
    static func compare(_ double: Double, _ decimal: DecimalNumber) -> Int? {
        if double.isNaN { return nil }
        if double == .infinity { return 1 }
        if double == -.infinity { return -1 }
        let converted = Double(decimal.description) ?? 0
        // Rounding to the nearest double is monotonic and `double` is a double, so a difference
        // after conversion is a difference before it.
        if converted < double { return 1 }
        if converted > double { return -1 }
        // Same nearest double, so the same sign; zero is only near zero.
        if double == 0 || decimal.isZero {
            return double == 0 && decimal.isZero ? 0 : (decimal.isNegative || double > 0 ? 1 : -1)
        }
        let sign = double < 0 ? -1 : 1
        // Compare magnitudes exactly: |double| = m × 2^e, |decimal| = s / 10^k, so compare
        // m × 5^k × 2^(e+k) with s. The double's exponent comes from its bits, so subnormals
        // (e = -1074) need no special case.
        let m = Int128(double.significandBitPattern | (double.isNormal ? (1 << 52) : 0))
        let e = double.isNormal ? Int(double.exponentBitPattern) - 1075 : -1074
        let normalized = decimal.normalized
        let k = normalized.scale
        var left = m
        var right = normalized.magnitude.significand
        for _ in 0..<k {
            let (product, overflow) = left.multipliedReportingOverflow(by: 5)
            // Beyond Int128 the difference is far below the double's precision: call them equal.
            if overflow { return 0 }
            left = product
        }
        let shift = e + k
        for _ in 0..<abs(shift) {
            if shift > 0 {
                let (product, overflow) = left.multipliedReportingOverflow(by: 2)
                if overflow { return sign }  // |double| is larger than any Int128 `right`
                left = product
            } else {
                let (product, overflow) = right.multipliedReportingOverflow(by: 2)
                if overflow { return -sign }
                right = product
            }
        }
        return left < right ? -sign : (left > right ? sign : 0)
    }
}
