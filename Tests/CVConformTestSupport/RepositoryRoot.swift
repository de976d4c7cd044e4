/// The repository's root, found from this file's path
/// (`Tests/CVConformTestSupport/RepositoryRoot.swift`).
public let repositoryRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}()
