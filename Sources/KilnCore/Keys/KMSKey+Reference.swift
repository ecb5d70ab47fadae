extension KMSKey {
    /// A key given as an id, alias or ARN, as an ARN, without looking the key up: what a
    /// resource records of a key that KMS does not know.
    static func arn(reference key: String, account: AccountID, region: RegionName) -> String {
        if key.hasPrefix("arn:") { return key }
        if key == "alias/aws/ebs" { return DefaultEBSKey.arn(account: account, region: region) }
        if key.hasPrefix("alias/") { return "arn:aws:kms:\(region):\(account):\(key)" }
        return "arn:aws:kms:\(region):\(account):key/\(key)"
    }
}
