// swift-format-ignore-file
// (The rule tables keep their compact layout: one rule call per rule, as in the official artifacts.)
import EInvoice

/// The ten-rule template EN 16931 applies to each VAT category (BR-S-01 … BR-Z-10, BR-AE-*,
/// BR-E-*, BR-G-*, BR-IC-* for K, BR-IG-* for L, BR-IP-* for M, BR-O-*), and the extra rules of
/// K (BR-IC-11/12) and O (BR-O-11…14).
struct VATCategoryRules: Sendable {
    enum Rate: Sendable {
        /// Rate 0 and a VAT amount of exactly 0 (Z, E, AE, K, G).
        case zero
        /// Rate above 0, amounts within the ±1 tolerance (S).
        case positive
        /// Rate 0 or above, amounts within the tolerance (L, M).
        case nonNegative
        /// No rate at all (O).
        case none
    }

    enum Identifiers: Sendable {
        /// Seller VAT or tax registration id, or tax representative VAT id (S, Z, E, L, M).
        case sellerAnyTaxID
        /// The above and the buyer's VAT or legal registration id (AE).
        case sellerAndBuyerID
        /// Seller or tax representative VAT id (G).
        case sellerVAT
        /// The above and the buyer's VAT id (K).
        case sellerAndBuyerVAT
        /// None of the seller, tax representative and buyer VAT ids (O).
        case noVATIDs
    }

    let code: String
    var prefix: String
    let name: String
    let rate: Rate
    let identifiers: Identifiers
    let exemptionReason: Bool

    /// The categories with their rule prefixes: CEN 1.3.15 renamed the IGIC and IPSI rules from
    /// BR-IG/BR-IP to BR-AF/BR-AG.
    static func all(_ version: CENVersion) -> [VATCategoryRules] {
        let renamed = version != .v1_3_14_1
        return categories.map { category in
            var category = category
            if renamed && category.code == "L" { category.prefix = "BR-AF" }
            if renamed && category.code == "M" { category.prefix = "BR-AG" }
            return category
        }
    }

    private static let categories: [VATCategoryRules] = [
        VATCategoryRules(code: "AE", prefix: "BR-AE", name: "Reverse charge", rate: .zero, identifiers: .sellerAndBuyerID, exemptionReason: true),
        VATCategoryRules(code: "E", prefix: "BR-E", name: "Exempt from VAT", rate: .zero, identifiers: .sellerAnyTaxID, exemptionReason: true),
        VATCategoryRules(code: "G", prefix: "BR-G", name: "Export outside the EU", rate: .zero, identifiers: .sellerVAT, exemptionReason: true),
        VATCategoryRules(code: "K", prefix: "BR-IC", name: "Intra-community supply", rate: .zero, identifiers: .sellerAndBuyerVAT, exemptionReason: true),
        VATCategoryRules(code: "L", prefix: "BR-IG", name: "IGIC", rate: .nonNegative, identifiers: .sellerAnyTaxID, exemptionReason: false),
        VATCategoryRules(code: "M", prefix: "BR-IP", name: "IPSI", rate: .nonNegative, identifiers: .sellerAnyTaxID, exemptionReason: false),
        VATCategoryRules(code: "O", prefix: "BR-O", name: "Not subject to VAT", rate: .none, identifiers: .noVATIDs, exemptionReason: true),
        VATCategoryRules(code: "S", prefix: "BR-S", name: "Standard rated", rate: .positive, identifiers: .sellerAnyTaxID, exemptionReason: false),
        VATCategoryRules(code: "Z", prefix: "BR-Z", name: "Zero rated", rate: .zero, identifiers: .sellerAnyTaxID, exemptionReason: false),
    ]

    /// round(|taxable| × rate ÷ 100, 2), as BR-CO-17 and BR-x-09 compute the expected VAT.
    static func expectedTax(taxable: DecimalNumber, percent: DecimalNumber) -> DecimalNumber {
        let rate = DecimalNumber(significand: percent.significand, scale: min(percent.scale + 2, 36))
        return XPathNumber.round2(taxable.magnitude * rate)
    }

    // MARK: Document level (-01 … -04, K and O extras)

    static func documentAssertions(_ version: CENVersion) -> [Assertion] {
        all(version).flatMap(\.documentAssertions) + [
            fatal("BR-IC-11", "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Actual delivery date (BT-72) or the Invoicing period (BG-14) shall not be blank.") { document in
                guard document.breakdownHas("K") else { return true }
                let dates = document.all("cac:Delivery/cbc:ActualDeliveryDate")
                // string-length() of more than one node stops the official XSLT: fire.
                guard dates.count <= 1 else { return false }
                return (dates.first?.stringValue.xpathLength ?? 0) > 1 || document.exists("cac:InvoicePeriod/*")
            },
            fatal("BR-IC-12", "In an Invoice with a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"Intra-community supply\" the Deliver to country code (BT-80) shall not be blank.") { document in
                guard document.breakdownHas("K") else { return true }
                let codes = document.all("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode")
                guard codes.count <= 1 else { return false }
                return (codes.first?.stringValue.xpathLength ?? 0) > 1
            },
            fatal("BR-O-11", "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain other VAT breakdown groups (BG-23).") { document in
                guard document.breakdownHas("O") else { return true }
                return !document.exists("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") { $0.hasVATScheme && $0.categoryID != "O" }
            },
            fatal("BR-O-12", "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is not \"Not subject to VAT\".") { document in
                guard document.breakdownHas("O") else { return true }
                return !document.exists("//cac:ClassifiedTaxCategory") { $0.hasVATScheme && $0.categoryID != "O" }
            },
            fatal("BR-O-13", "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level allowances (BG-20) where Document level allowance VAT category code (BT-95) is not \"Not subject to VAT\".") { document in
                guard document.breakdownHas("O") else { return true }
                return !document.exists("//cac:AllowanceCharge") { allowance in
                    allowance.isAllowanceCharge(charge: false)
                        && allowance.exists("cac:TaxCategory") { $0.hasVATScheme && $0.categoryID != "O" }
                }
            },
            fatal("BR-O-14", "An Invoice that contains a VAT breakdown group (BG-23) with a VAT category code (BT-118) \"Not subject to VAT\" shall not contain Document level charges (BG-21) where Document level charge VAT category code (BT-102) is not \"Not subject to VAT\".") { document in
                guard document.breakdownHas("O") else { return true }
                return !document.exists("//cac:AllowanceCharge") { charge in
                    charge.isAllowanceCharge(charge: true)
                        && charge.exists("cac:TaxCategory") { $0.hasVATScheme && $0.categoryID != "O" }
                }
            },
        ]
    }

    private var documentAssertions: [Assertion] {
        let code = self.code
        let name = self.name
        var result: [Assertion] = []
        switch code {
        case "S":
            result.append(fatal("\(prefix)-01", "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"\(name)\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"\(name)\".") { document in
                let used = document.count("//cac:AllowanceCharge/cac:TaxCategory") { $0.categoryID == "S" }
                    + document.count("//cac:ClassifiedTaxCategory") { $0.categoryID == "S" }
                let breakdown = document.count("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") { $0.categoryID == "S" }
                return (used > 0 && breakdown > 0) || (used == 0 && breakdown == 0)
            })
        case "L", "M":
            result.append(fatal("\(prefix)-01", "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"\(name)\" shall contain in the VAT breakdown (BG-23) at least one VAT category code (BT-118) equal with \"\(name)\".") { document in
                let used = document.count("//cac:AllowanceCharge/cac:TaxCategory") { $0.isVATCategory(code) }
                    + document.count("//cac:ClassifiedTaxCategory") { $0.isVATCategory(code) }
                let breakdownPresent = document.count("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") {
                    $0.string("cbc:ID") == code && (code == "L" || $0.hasVATScheme)
                }
                let breakdownVAT = document.count("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") { $0.isVATCategory(code) }
                return (used > 0 && breakdownPresent > 0) || (used == 0 && breakdownVAT == 0)
            })
        default:
            result.append(fatal("\(prefix)-01", "An Invoice that contains an Invoice line (BG-25), a Document level allowance (BG-20) or a Document level charge (BG-21) where the VAT category code (BT-151, BT-95 or BT-102) is \"\(name)\" shall contain exactly one VAT breakdown (BG-23) with the VAT category code (BT-118) equal to \"\(name)\".") { document in
                !document.documentUsesCategory(code) || document.breakdownCount(code) == 1
            })
        }
        let identifiers = self.identifiers
        let needs = "the Seller VAT Identifier (BT-31), the Seller tax registration identifier (BT-32) and/or the Seller tax representative VAT identifier (BT-63)"
        result.append(fatal("\(prefix)-02", "An Invoice that contains an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"\(name)\" shall contain \(identifiers == .noVATIDs ? "no Seller, Seller tax representative or Buyer VAT identifier (BT-31, BT-63, BT-48)" : needs).") { document in
            if code == "S" {
                return !document.lineUsesCategory("S", vat: false)
                    || (document.lineUsesCategory("S") && VATCategoryRules.identifiersPresent(identifiers, document))
            }
            return !document.lineUsesCategory(code) || VATCategoryRules.identifiersPresent(identifiers, document)
        })
        for (number, charge) in [("03", false), ("04", true)] {
            let what = charge ? "Document level charge (BG-21)" : "Document level allowance (BG-20)"
            result.append(fatal("\(prefix)-\(number)", "An Invoice that contains a \(what) where the VAT category code is \"\(name)\" shall contain \(identifiers == .noVATIDs ? "no Seller, Seller tax representative or Buyer VAT identifier (BT-31, BT-63, BT-48)" : needs).") { document in
                switch code {
                case "G":
                    return (document.allowanceChargeUsesCategory("G", charge: charge, vat: false)
                        && VATCategoryRules.identifiersPresent(identifiers, document))
                        || !document.allowanceChargeUsesCategory("G", charge: charge)
                case "O":
                    return !document.allowanceChargeUsesCategory("O", charge: charge, documentLevelOnly: true)
                        || VATCategoryRules.identifiersPresent(identifiers, document)
                default:
                    return !document.allowanceChargeUsesCategory(code, charge: charge)
                        || VATCategoryRules.identifiersPresent(identifiers, document)
                }
            })
        }
        return result
    }

    static func identifiersPresent(_ identifiers: Identifiers, _ document: Node) -> Bool {
        switch identifiers {
        case .sellerAnyTaxID: document.sellerHasAnyTaxID || document.taxRepresentativeHasVATID
        case .sellerAndBuyerID:
            (document.sellerHasAnyTaxID || document.taxRepresentativeHasVATID) && (document.buyerHasVATID || document.buyerHasLegalID)
        case .sellerVAT: document.sellerHasVATID || document.taxRepresentativeHasVATID
        case .sellerAndBuyerVAT: (document.sellerHasVATID || document.taxRepresentativeHasVATID) && document.buyerHasVATID
        case .noVATIDs: !document.sellerHasVATID && !document.taxRepresentativeHasVATID && !document.buyerHasVATID
        }
    }

    // MARK: Breakdown, allowance, charge and line (-05 … -10)

    func add(to pattern: inout PatternBuilder) {
        let code = self.code
        let name = self.name
        let rate = self.rate
        var breakdown: [Assertion] = []
        switch rate {
        case .zero, .none:
            breakdown.append(fatal("\(prefix)-08", "In a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"\(name)\" the VAT category taxable amount (BT-116) shall equal the sum of Invoice line net amounts (BT-131) minus the sum of Document level allowance amounts (BT-92) plus the sum of Document level charge amounts (BT-99) where the VAT category codes (BT-151, BT-95, BT-102) are \"\(name)\".") { category in
                guard let taxable = category.decimal("../cbc:TaxableAmount") else { return false }
                let lineKinds = [("InvoiceLine", category.exists("//cac:InvoiceLine")), ("CreditNoteLine", category.exists("//cac:CreditNoteLine"))]
                for (lineName, present) in lineKinds where present {
                    if let sum = VATCategoryRules.categorySum(category.root, code: code, rate: nil, lineName: lineName), sum == taxable {
                        return true
                    }
                }
                return false
            })
            breakdown.append(fatal("\(prefix)-09", "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where the VAT category code (BT-118) is \"\(name)\" shall be 0 (zero).") {
                $0.decimal("../cbc:TaxAmount")?.isZero == true
            })
        case .positive, .nonNegative:
            breakdown.append(fatal("\(prefix)-08", "For each different value of VAT category rate (BT-119) where the VAT category code (BT-118) is \"\(name)\", the VAT category taxable amount (BT-116) in a VAT breakdown (BG-23) shall equal the sum of Invoice line net amounts (BT-131) plus the sum of document level charge amounts (BT-99) minus the sum of document level allowance amounts (BT-92) where the VAT category code (BT-151, BT-102, BT-95) is \"\(name)\" and the VAT rate (BT-152, BT-103, BT-96) equals the VAT category rate (BT-119).") { category in
                VATCategoryRules.taxableMatchesWithRate(category, code: code, strictExistence: rate == .positive)
            })
            breakdown.append(fatal("\(prefix)-09", "The VAT category tax amount (BT-117) in a VAT breakdown (BG-23) where VAT category code (BT-118) is \"\(name)\" shall equal the VAT category taxable amount (BT-116) multiplied by the VAT category rate (BT-119).") { category in
                guard let tax = category.decimal("../cbc:TaxAmount"), let taxable = category.decimal("../cbc:TaxableAmount"),
                    let percent = category.decimal("cbc:Percent")
                else { return false }
                let expected = VATCategoryRules.expectedTax(taxable: taxable, percent: percent)
                return tax.magnitude - 1 < expected && tax.magnitude + 1 > expected
            })
        }
        if exemptionReason {
            breakdown.append(fatal("\(prefix)-10", "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"\(name)\" shall have a VAT exemption reason code (BT-121) or a VAT exemption reason text (BT-120).") {
                $0.exists("cbc:TaxExemptionReason") || $0.exists("cbc:TaxExemptionReasonCode")
            })
        } else {
            breakdown.append(fatal("\(prefix)-10", "A VAT breakdown (BG-23) with VAT Category code (BT-118) \"\(name)\" shall not have a VAT exemption reason code (BT-121) or VAT exemption reason text (BT-120).") {
                !$0.exists("cbc:TaxExemptionReason") && !$0.exists("cbc:TaxExemptionReasonCode")
            })
        }
        pattern.rule("/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", where: { $0.isVATCategory(code) }, breakdown)

        let rateTest: @Sendable (Node) -> Bool = { category in
            switch rate {
            case .zero: category.decimal("cbc:Percent")?.isZero == true
            case .positive: category.exists("cbc:Percent") { ($0.double ?? 0) > 0 }
            case .nonNegative: category.exists("cbc:Percent") { ($0.double ?? -1) >= 0 }
            case .none: !category.exists("cbc:Percent")
            }
        }
        let rateText =
            switch rate {
            case .zero: "shall be 0 (zero)"
            case .positive: "shall be greater than zero"
            case .nonNegative: "shall be 0 (zero) or greater than zero"
            case .none: "shall not be present"
            }
        pattern.rule("cac:AllowanceCharge/cac:TaxCategory", where: { $0.isVATCategory(code) && $0.parent?.isAllowanceCharge(charge: false) == true }, [
            fatal("\(prefix)-06", "In a Document level allowance (BG-20) where the Document level allowance VAT category code (BT-95) is \"\(name)\" the Document level allowance VAT rate (BT-96) \(rateText).", rateTest),
        ])
        pattern.rule("cac:AllowanceCharge/cac:TaxCategory", where: { $0.isVATCategory(code) && $0.parent?.isAllowanceCharge(charge: true) == true }, [
            fatal("\(prefix)-07", "In a Document level charge (BG-21) where the Document level charge VAT category code (BT-102) is \"\(name)\" the Document level charge VAT rate (BT-103) \(rateText).", rateTest),
        ])
        pattern.rule("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory|cac:CreditNoteLine/cac:Item/cac:ClassifiedTaxCategory", where: { $0.isVATCategory(code) }, [
            fatal("\(prefix)-05", "In an Invoice line (BG-25) where the Invoiced item VAT category code (BT-151) is \"\(name)\" the Invoiced item VAT rate (BT-152) \(rateText).", rateTest),
        ])
    }

    /// Σ net amounts of `lineName` lines in category `code` (and `rate`) + document level charges
    /// − document level allowances in it; nil when an amount is not a decimal.
    static func categorySum(_ root: Node, code: String, rate: DecimalNumber?, lineName: String) -> DecimalNumber? {
        func inCategory(_ category: Node) -> Bool { category.categoryID == code }
        func hasRate(_ category: Node) -> Bool { rate == nil || category.decimal("cbc:Percent") == rate }
        var total = DecimalNumber.zero
        for line in root.children where line.namespace == .cac && line.name == lineName {
            let categories = line.all("cac:Item/cac:ClassifiedTaxCategory")
            guard categories.contains(where: inCategory), categories.contains(where: hasRate) else { continue }
            guard let amount = line.decimal("cbc:LineExtensionAmount") else {
                if line.exists("cbc:LineExtensionAmount") { return nil }
                continue
            }
            total += amount
        }
        for allowance in root.children where allowance.isNamed(.cac, "AllowanceCharge") {
            let categories = allowance.all("cac:TaxCategory")
            guard categories.contains(where: inCategory), categories.contains(where: hasRate) else { continue }
            let isCharge = allowance.isAllowanceCharge(charge: true)
            let isAllowance = allowance.isAllowanceCharge(charge: false)
            guard isCharge || isAllowance else { continue }
            guard let amount = allowance.decimal("cbc:Amount") else {
                if allowance.exists("cbc:Amount") { return nil }
                continue
            }
            total += isCharge ? amount : -amount
        }
        return total
    }

    /// BR-S-08 / BR-IG-08 / BR-IP-08 for one breakdown: the taxable amount ±1 — computed in
    /// floating point, exactly as the official XSLT does — brackets the category's sum.
    static func taxableMatchesWithRate(_ category: Node, code: String, strictExistence: Bool) -> Bool {
        guard let percentNode = category.first("cbc:Percent") else { return true }  // every … in () is true
        guard let rate = percentNode.decimal, let taxableNode = category.first("../cbc:TaxableAmount"),
            let taxable = taxableNode.double
        else { return false }
        let lower = taxable - 1
        let upper = taxable + 1
        let root = category.root
        for lineName in ["InvoiceLine", "CreditNoteLine"] {
            let applies: Bool
            if strictExistence {
                let lineExists = root.exists(lineName == "InvoiceLine" ? "//cac:InvoiceLine" : "//cac:CreditNoteLine") { line in
                    line.exists("cac:Item/cac:ClassifiedTaxCategory") { $0.categoryID == code }
                        && line.exists("cac:Item/cac:ClassifiedTaxCategory") { $0.decimal("cbc:Percent") == rate }
                }
                let allowanceExists = root.exists("//cac:AllowanceCharge") { allowance in
                    allowance.exists("cac:TaxCategory") { $0.categoryID == code }
                        && allowance.exists("cac:TaxCategory") { $0.decimal("cbc:Percent") == rate }
                }
                applies = lineExists || allowanceExists
            } else {
                applies = root.exists(lineName == "InvoiceLine" ? "//cac:InvoiceLine" : "//cac:CreditNoteLine")
            }
            guard applies, let sum = categorySum(root, code: code, rate: rate, lineName: lineName) else { continue }
            if ExactCompare.compare(lower, sum) == -1 && ExactCompare.compare(upper, sum) == 1 { return true }
        }
        return false
    }
}

extension Node {
    /// The root's VAT breakdown has category `code` (with the VAT scheme).
    func breakdownHas(_ code: String) -> Bool {
        root.exists("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory") { $0.isVATCategory(code) }
    }
}
