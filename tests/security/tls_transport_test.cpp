// `linkhub serve`'s TLS listener (issue 10, item 13): it answers over TLS 1.2+
// with a certificate the client can verify, beside the plain listener, and
// refuses TLS 1.1 and weak TLS 1.2 cipher suites.
#include "serve_fixture.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace linkhub::test {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

// A self-signed certificate for 127.0.0.1 (an EC P-256 key), written as PEM files.
void make_certificate(const std::filesystem::path& cert_file, const std::filesystem::path& key_file) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  FILE* c = std::fopen(cert_file.c_str(), "w");
  FILE* k = std::fopen(key_file.c_str(), "w");
  ASSERT_TRUE(c != nullptr && k != nullptr);
  PEM_write_X509(c, cert.get());
  PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(c);
  std::fclose(k);
}

class SecurityTls : public ServeTest {
 protected:
  void start_tls() {
    cert_ = dir_ / "cert.pem";
    key_ = dir_ / "key.pem";
    make_certificate(cert_, key_);
    start([this](http::ServeOptions& o) {
      o.http.tls = true;
      o.http.tls_host = "127.0.0.1";
      o.http.tls_port = 0;
      o.http.tls_cert = cert_;
      o.http.tls_key = key_;
    });
    tls_port_ = app_->tls_port();
    ASSERT_NE(tls_port_, 0);
  }

  // A GET over TLS with a client that trusts only the test's certificate;
  // `configure` may restrict the client. The status line, or the error.
  std::string tls_get(const std::string& target, const std::function<void(ssl::context&)>& configure = {}) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(cert_.string());
    ctx.set_verify_mode(ssl::verify_peer);
    if (configure) {
      configure(ctx);
    }
    asio::io_context io;
    ssl::stream<asio::ip::tcp::socket> stream(io, ctx);
    try {
      stream.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), tls_port_});
      // A hung server fails the test instead of hanging it.
      timeval guard{5, 0};
      setsockopt(stream.lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
      stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
      stream.handshake(ssl::stream_base::client);
      const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      asio::write(stream, asio::buffer(request));
      std::string response;
      boost::system::error_code ec;
      char buf[4096];
      while (!ec) {
        const size_t n = stream.read_some(asio::buffer(buf), ec);
        response.append(buf, n);
      }
      return response.substr(0, response.find("\r\n"));
    } catch (const boost::system::system_error& e) {
      return std::string("error: ") + e.what();
    }
  }

  std::filesystem::path cert_;
  std::filesystem::path key_;
  uint16_t tls_port_ = 0;
};

TEST_F(SecurityTls, TheTlsListenerAnswersBesideThePlainOne) {
  start_tls();
  EXPECT_EQ(tls_get("/healthz"), "HTTP/1.1 200 OK");
  EXPECT_EQ(get("/healthz").status, 200);  // the plain listener too
}

TEST_F(SecurityTls, TlsBelow12IsRefused) {
  start_tls();
  const std::string answer = tls_get("/healthz", [](ssl::context& ctx) {
    // A client that would speak TLS 1.1 (and the old ciphers it needs) if the server let it.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
  });
  EXPECT_EQ(answer.rfind("error:", 0), 0u) << answer;
}

TEST_F(SecurityTls, WeakTls12CipherSuitesAreRefused) {
  start_tls();
  for (const char* suite : {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-SHA"}) {
    const std::string answer = tls_get("/healthz", [suite](ssl::context& ctx) {
      SSL_CTX_set_security_level(ctx.native_handle(), 0);
      SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
      SSL_CTX_set_cipher_list(ctx.native_handle(), suite);
    });
    EXPECT_EQ(answer.rfind("error:", 0), 0u) << suite << ": " << answer;
  }
  // The same client with a modern suite gets in: the refusals above are about the suites.
  EXPECT_EQ(tls_get("/healthz",
                    [](ssl::context& ctx) {
                      SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
                      SSL_CTX_set_cipher_list(ctx.native_handle(), "ECDHE-ECDSA-AES128-GCM-SHA256");
                    }),
            "HTTP/1.1 200 OK");
}

}  // namespace
}  // namespace linkhub::test
