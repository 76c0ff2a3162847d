#include "net/certificate.hpp"

#include <gtest/gtest.h>

namespace mtasts::net {
namespace {

TEST(ClassifyVerifyError, MapsOpensslCodesToProblems) {
  EXPECT_EQ(classify_verify_error(X509_V_ERR_CERT_HAS_EXPIRED), CertProblem::expired);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_CERT_NOT_YET_VALID), CertProblem::not_yet_valid);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_HOSTNAME_MISMATCH), CertProblem::name_mismatch);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT), CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
            CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN), CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_OUT_OF_MEM), CertProblem::other);
  EXPECT_EQ(to_string(CertProblem::name_mismatch), "name_mismatch");
}

TEST(DescribeCertificate, NullIsEmpty) {
  const CertificateFacts facts = describe_certificate(nullptr);
  EXPECT_TRUE(facts.dns_names.empty());
  EXPECT_EQ(facts.not_after, 0);
}

}  // namespace
}  // namespace mtasts::net
