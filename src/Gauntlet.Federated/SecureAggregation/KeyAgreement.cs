using System.Security.Cryptography;

namespace Gauntlet.Federated.SecureAggregation;

/// <summary>
/// ECDH over P-256 with HKDF-SHA256 (both .NET's own): a key pair per purpose and round, public
/// keys as the 64 bytes X‖Y, and 32-byte secrets derived from the raw shared x-coordinate.
/// </summary>
public sealed class KeyAgreement : IDisposable
{
    private readonly ECDiffieHellman _key;

    private KeyAgreement(ECDiffieHellman key) => _key = key;

    /// <summary>The public key, X‖Y (64 bytes).</summary>
    public byte[] PublicKey
    {
        get
        {
            var q = _key.ExportParameters(false).Q;
            return [.. q.X!, .. q.Y!];
        }
    }

    /// <summary>The private scalar d (32 bytes): what is secret-shared so the server can stand in for a client that drops.</summary>
    public byte[] PrivateKey => _key.ExportParameters(true).D!;

    /// <summary>A fresh key pair.</summary>
    public static KeyAgreement Generate() => new(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The key pair with private scalar <paramref name="privateKey"/> and public key <paramref name="publicKey"/> (a reconstructed one).</summary>
    /// <exception cref="CryptographicException">The scalar does not belong to the public key or is not a valid P-256 key.</exception>
    public static KeyAgreement FromPrivate(byte[] privateKey, byte[] publicKey)
    {
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = privateKey,
            Q = new ECPoint { X = publicKey[..32], Y = publicKey[32..] },
        };
        parameters.Validate();
        return new KeyAgreement(ECDiffieHellman.Create(parameters));
    }

    /// <summary>HKDF-SHA256(ECDH(this, <paramref name="otherPublicKey"/>), 32 bytes, info = <paramref name="purpose"/>): the same bytes on both sides.</summary>
    /// <exception cref="CryptographicException">The other key is not a point on P-256.</exception>
    public byte[] Derive(byte[] otherPublicKey, string purpose)
    {
        if (otherPublicKey.Length != 64)
        {
            throw new CryptographicException($"a P-256 public key of {otherPublicKey.Length} bytes; expected 64 (X‖Y).");
        }

        using var other = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = otherPublicKey[..32], Y = otherPublicKey[32..] },
        });
        var shared = _key.DeriveRawSecretAgreement(other.PublicKey);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt: null, info: System.Text.Encoding.UTF8.GetBytes(purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
