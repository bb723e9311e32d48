/**
 * Key files produced by the real tools, captured once: `docker trust key generate` (docker 28.2),
 * `notary key generate ecdsa --role alice -o` (notary 0.7) and OpenSSL 3.0 (`ec -aes256`,
 * `ec -des3`, `rsa -aes256 -traditional`, `pkcs8 -topk8 -v2 aes-256-cbc`, `genpkey -algorithm ed25519`).
 * Passphrases are test values.
 */

/** `docker trust key generate alice`: the private key file docker wrote, named by its key ID. */
export const DOCKER_KEY = {
  keyId: '493e9723a391fce7b8022577b6f719f8c342eaddc088e81f76b8a336e138adf5',
  passphrase: 'abcdefgh1',
  pem: `-----BEGIN ENCRYPTED PRIVATE KEY-----
role: alice

MIHuMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAOBAgJeb1frE9JjwICCAAw
HQYJYIZIAWUDBAEqBBC/G4huiKvJIp+VScTtVUEABIGg5/YC0fmfur0lcHwoae8F
IHBWPQYJSiZ3FPjv/k5qQpJd4qno+90zAO8qUkOkL9qB+XmJWhLXCCUcWTe6E90S
F2jFFsfCogoOfmEnaelFDagpalWEag5Kf+harKx9gTag7IveEt/sm5IzYUNIt2bq
N3TKCTTJNxXqj8NL55Ijm61To16qm+iguOCtg8UzvN0LQXEPrUSJQGmhnDltgwrp
yQ==
-----END ENCRYPTED PRIVATE KEY-----
`,
};

/** `notary key generate ecdsa --role alice -o alice`: `alice-key.pem` and `alice.pem`. */
export const NOTARY_KEY = {
  passphrase: 'abcdefgh1',
  privatePem: `-----BEGIN ENCRYPTED PRIVATE KEY-----
role: alice

MIHuMEkGCSqGSIb3DQEFDTA8MBsGCSqGSIb3DQEFDDAOBAjGngmv6bYfjAICCAAw
HQYJYIZIAWUDBAEqBBDERtf+TbdTXpn0BaR/GJQsBIGgmTh7e2Dy9jBbdPmKQWgl
h23Ln1C3kaN1+S3J1Ll4ZaYwfSZnulEZWyD+5z2285MP6ff19dhXy6yoZ3EmujPF
0bQ3iEuHPgp/BBoznArOmBd06vR13pu1Cb2c0R7EGig3XqAfgrjQYl3wxpMNIInq
ST9ifSjnwdX1hz7Zkfm3sj0rvkzFyUuF7EIf4B5nSsfOOxe/i7w2pHRmbhUfXhCD
KQ==
-----END ENCRYPTED PRIVATE KEY-----
`,
  publicPem: `-----BEGIN PUBLIC KEY-----
role: alice

MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJ25wM5plWc3fGrII70WvpYpwwJ8t
na5y6ZUF8k2ZDOelQlheWQ1KLoMiRMYGVsQrQwaa+gWigYNuu3wmeZi+HA==
-----END PUBLIC KEY-----
`,
};

/** OpenSSL's legacy and PKCS#8 outputs of one P-256 key (`pub` is its `PUBLIC KEY`). */
export const OPENSSL_EC = {
  passphrase: 'legacypass1',
  plainSec1: `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIEL6OvW2u1FGqmKxvXCQAPSG9UEPSKdmN7vyYA3J3m19oAoGCCqGSM49
AwEHoUQDQgAEaV555nQN+UY/i79Ly5t54ZLaxhadrY3z8jHidFEiP6dlqhPgVGEp
8GhamQgnRbrrB+SoXB4VEDmlufS9T+dUyQ==
-----END EC PRIVATE KEY-----
`,
  aes256: `-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,69ED9E3F5FDC40FED5703E914B627C82

CSEadfyKnzc1kEucnM61sInirC43qgSMHA81zJ1nykxfA9fL/6bk0qjRw1QBLkZo
QrpjUw8uj1PxEC8MhuvaPmwGMNn0tDLJP128l2h6LCrtlbvdFZ6O7pnDry+u7UqV
sRiliI4tbxAF59PBNY14ss4/D31EUkpxT3j3BdHeyFw=
-----END EC PRIVATE KEY-----
`,
  des3: `-----BEGIN EC PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: DES-EDE3-CBC,5D5F4F5380CBAB41

VS8zx9YzMX9c8mzqfqZQFzM5mraF1wAaMqr6y6zPxeZcwV0WjSJWkNa3tehtl0du
gOSRRow+aaa6FrDwwdNlX7Xql69nY0p2BdoZ6fEaNAqAfruALwSkAE/Ni2n0XhCt
/8fU+B9Wq8r/QuniX3cDikjZY3gOxt09LVMHqZmJiYc=
-----END EC PRIVATE KEY-----
`,
  pkcs8Sha256Prf: `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgAhF30gKVGyAICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEM8eUIv9oUB6+7HdsarZJ9UEgZCL
npVB5GEajqyheB7hpXdFjxMWWxYG9o492XywjSGuAAKzg5lOYN9p7OS7dxaa0Yl1
5cg6PpkykytT6CPWBtG/EXxoxn+oYg88CydN+b8TgFIyG3TDJ8lSiELg9IqotWDU
vuBoMR30Gp8R03KdVhP27dTtOcFTPEryf1SPoydlZdr4Iq7htqlu5G4RuGat1sI=
-----END ENCRYPTED PRIVATE KEY-----
`,
  pub: `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEaV555nQN+UY/i79Ly5t54ZLaxhad
rY3z8jHidFEiP6dlqhPgVGEp8GhamQgnRbrrB+SoXB4VEDmlufS9T+dUyQ==
-----END PUBLIC KEY-----
`,
};

/** An RSA-2048 key encrypted the traditional way (`rsa -aes256 -traditional`). */
export const OPENSSL_RSA = {
  passphrase: 'legacypass1',
  aes256: `-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-256-CBC,A5FE875AC66D245188DDA5C8BA549837

tDbtd8ioXMij0/ozdTqbDmqwBoSrEBOXEZXen4LPqGguAZIkdC4Gm/FM3Yx5nbPB
TWpJxNfNNds/4o21+shLBKYFWIX0TbFlzQOyTVXt6d804G9YLzwMmYczKXAWcdRd
cCM6tTP9Hj4eCcWt7Q/XqqNLsytglNjlfjSf7yPBz8t/E/XlhxY+/3WNy242ef6A
fdn6Faypsek3ZF35Eq9per8pzI7/s6RQBa01fJusNfEtN7ACtHQqP8M5PNDdEt9p
kjS+LI7oMKP+8zLSE7wchbAyXqc9N1ivfHD+FI9lmwGcgRVBd9R9bvXEysx7q/0Q
hOzAX89Of5bV7e6vSvPYSM4ROEMfS+8UaNpAtNVzSsXvZfYPK+vI8YkSBI/gCjRo
Qw0LQ8BYfsv+bKbw3r2A7qhJp9wC0iPa0U/kOxE0leRkxe2XXjUNdpyd92iWUxWy
iCaios/8exbLmIlX/0/zxnEniAhfM+GojyIPwAnk/4y+aVz4asKStYUXve5gTpqs
9kHRRaPAFC9nj1C2S7aqxtEgNQgMI6q9cnH/nzhegVjPlPPsRE0DoNMnFZ3djVcp
wo7ZVZuk58N9iOME6N7aJUSC9VoOkPtOkW8d15IuNAhhyPAubwyFH9iXNs1sfh5h
Yx1SPGWjFg5pV1tg6C59nKwlhrN8N4VCcbpksYI/XqAtFKjKs1tjO83DSYzfAXbd
Ljj0UPK4+VdCUdK8khTRZ8IneHoOfHNUqsWKPBsZcJ0AO0rtCTCVl5dN2+LgKHSL
LunoCuBGu73yU5EvEvOQqoNxif53UxsofXsDJWibCKqk5YDGlQBAJiaLRdHgy0sy
lLD1gsOwzJI7inySqiyaBRTAKZxNtW9nSEt5mSa0FnspOdQtTmw/FU+j/k6WO7Vf
7xPGtmyOI4mtj4uGesHDVwfatTEG50xtY5xGaHqlhnq1oP6I6G8qb5RqmELv78t9
qnydG5ggXlg75vit2kBAZyiENBGKYlu66rwDwUIh078bJpinPpwbypaAtSPoswxc
fG09B7Ywp3cNJ0w+aogFLkwcIv88O0iWEx+dkFsx/Z69uTRqHfDYXm93NalV4fMN
0d1yW5B/TS8XM5hNlLnAr5qc4Kb9VaDjgfElS/zFLKcPTAVcb8Ed0dS9Iw9PcDz8
VyYBbgDxZEUMyhulgCNSVRZBDHizbwIfpG4HMW6qmuN2pnDR8owtOHbFQJLEZVNf
nyx7bF4qlCyrmQf5EGJ5cCXClZm+VapHe0kez8gQ+KEl6AFv/seXgOAZgk7s4VCp
twV13bfk+UqontGro3x/VE/ypFqxyJP0O9HFVArtxJ9kCRQoUxB0cynZNxNOy86S
MLvz+yi5M1ST0V5ohqC9f2PyPztKuESfEytAgFDyps8ARpEEEMjO86oE3oLg1gO3
0NxH6gVD+RjhKnrb8zN/Ha3bx12QimipkYB8N2dNvPEQu3RPcuYXiYMa0ZC4ji1c
rnlz51G0E9svCu3g+ocyDZLnm6uGmxXz3F9G99WVhU8Tqr/kwhlwjPAxJ0aPG8ZG
269YT7N6FL5Jcl7lNiv7BZNSvx4PuzfGfZKjbihXkOFsXzAzQUNX5y18suUcasFX
-----END RSA PRIVATE KEY-----
`,
  pub: `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmrYpvNLYCfjx+ONa4yO4
eYmEjcjmCa45qMfVbaxpeRPAedUUII8jI7ykGTXHZ6f+FPMF2N4rNCcamUd4azJp
geLqUYQ563BJbZT7o3/amk2ojkO6CZOAUAwLYFozRqnYEfRCXGPFW/nzYW7ygJS2
Aq3mr34Z67QK3PufkLACYYobrlx1ulUAPEQb0IgU0rfZjWVQwqzG81WSlg/23CNl
d71fb/tIrfhYJmUq/eJIPb9OmX775oUJyJn66YhrkiVXripiNv2b06TCxTsq1xHn
d+jzGmO06IYxt5R2Tijv8UleNiuo3fV+tp8LAt1jBRubSpL6G7AdwSPdgD2PcJgT
2wIDAQAB
-----END PUBLIC KEY-----
`,
};

/** An Ed25519 key in RFC 8410 PKCS#8 (`genpkey -algorithm ed25519`). */
export const OPENSSL_ED25519 = {
  plain: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBY+jCplk9OMtJkSFvoz9DErYYyV7Yk4Vx04EeqjgIjD
-----END PRIVATE KEY-----
`,
  pub: `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEASWlHZTxGNcP5x82MPIwFKQTXD2gVrbUV4wIKVGv+gbY=
-----END PUBLIC KEY-----
`,
};
