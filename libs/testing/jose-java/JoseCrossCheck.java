// The second JOSE implementation of the FIT-Connect tests: nimbus-jose-jwt decrypts the JWEs the
// fit-connect channel wrote and verifies the SETs the Zustelldienst simulator and the subscriber signed.
// Input (stdin): {"decrypt":[{"key":<private JWK>,"jwe":"..."}],"verify":[{"jwks":{"keys":[...]},"jws":"..."}]}
// Output: one line per task: "decrypt <i> <alg> <enc> <cty> <plaintext base64>" / "verify <i> <alg> <typ> <true|false>".
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

public class JoseCrossCheck {
  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String input = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Object> tasks = JSONObjectUtils.parse(input);
    List<Object> decrypt = (List<Object>) tasks.getOrDefault("decrypt", List.of());
    for (int i = 0; i < decrypt.size(); i++) {
      Map<String, Object> t = (Map<String, Object>) decrypt.get(i);
      RSAKey key = RSAKey.parse((Map<String, Object>) t.get("key"));
      JWEObject jwe = JWEObject.parse((String) t.get("jwe"));
      jwe.decrypt(new RSADecrypter(key));
      System.out.println("decrypt " + i + " " + jwe.getHeader().getAlgorithm() + " "
          + jwe.getHeader().getEncryptionMethod() + " " + jwe.getHeader().getContentType() + " "
          + Base64.getEncoder().encodeToString(jwe.getPayload().toBytes()));
    }
    List<Object> verify = (List<Object>) tasks.getOrDefault("verify", List.of());
    for (int i = 0; i < verify.size(); i++) {
      Map<String, Object> t = (Map<String, Object>) verify.get(i);
      JWKSet set = JWKSet.parse((Map<String, Object>) t.get("jwks"));
      JWSObject jws = JWSObject.parse((String) t.get("jws"));
      RSAKey key = (RSAKey) set.getKeyByKeyId(jws.getHeader().getKeyID());
      boolean ok = key != null && jws.verify(new RSASSAVerifier(key));
      System.out.println("verify " + i + " " + jws.getHeader().getAlgorithm() + " "
          + jws.getHeader().getType() + " " + ok);
    }
  }
}
