extension DiscoveryError.Code {
    /// The SMP's answer is not signed, not signed by a trusted SMP certificate, or changed.
    public static let smpSignature = DiscoveryError.Code(rawValue: "smp.signature")
    /// The SMP's answer is not the document the SMP interface defines.
    public static let smpMalformed = DiscoveryError.Code(rawValue: "smp.malformed")
    /// The SMP does not publish the participant, the document type or the process asked for.
    public static let smpNotFound = DiscoveryError.Code(rawValue: "smp.not-found")
    /// The SMP cannot be reached, or answers with an HTTP error.
    public static let smpUnreachable = DiscoveryError.Code(rawValue: "smp.unreachable")
}
