/**
 * Real metadata written by notary 0.3 (notaryproject/notary
 * `fixtures/compatibility/notary0.3/tuf/docker.com/notary0.3/samplerepo/metadata/*.json`), byte for
 * byte. GUN `docker.com/notary0.3/samplerepo`; ECDSA P-256 keys with raw r‖s signatures; the root
 * certificate is valid from 2016-07-25T21:31:26Z to 2026-07-23T21:31:26Z, so replay with a clock inside.
 */

/** The GUN the fixture's root certificate names. */
export const NOTARY03_GUN = 'docker.com/notary0.3/samplerepo';

/** A moment inside the root certificate's validity and before every `expires`. */
export const NOTARY03_VALID_AT = new Date('2020-01-01T00:00:00Z');

/** The fixture files as notary wrote them. */
export const NOTARY03_FILES: Readonly<Record<'root' | 'targets' | 'snapshot' | 'timestamp', Uint8Array>> = {
  root: Buffer.from(
    '{"signed":{"_type":"Root","consistent_snapshot":false,"expires":"2116-07-01T16:31:40.497193534-05:00","keys":{"15ea4d8bfa0e0b30b9f2c8ee96d58020b70e019e18a8625a7b996e3c40aa9c7a":{"keytype":"ecdsa","keyval":{"private":null,"public":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEttEf79RcPhj3iYew53CRV4npc6kLSxBmF2TCbEaom1CnwE/IJTABrZw+ULONOKX7OnhvZVMf5S2k4OOWq0C2aQ=="}},"6fd86dc5beb889760ec56cefb4b29334ffbb98b2f4de05a9e40affa3688b04fa":{"keytype":"ecdsa","keyval":{"private":null,"public":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEV1WGUmurhhHqcGtV0rwLGwxuYyi8AMViYe+EoV7yOxWaHN0j7I8Z4lj2bzTxUnWgCofUfwI9ybXR8PNTncNWTQ=="}},"a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d":{"keytype":"ecdsa-x509","keyval":{"private":null,"public":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJpRENDQVM2Z0F3SUJBZ0lSQU4vTzVhbTBNcTVZRkI1ZkhzVHloY0F3Q2dZSUtvWkl6ajBFQXdJd0tqRW8KTUNZR0ExVUVBeE1mWkc5amEyVnlMbU52YlM5dWIzUmhjbmt3TGpNdmMyRnRjR3hsY21Wd2J6QWVGdzB4TmpBMwpNalV5TVRNeE1qWmFGdzB5TmpBM01qTXlNVE14TWpaYU1Db3hLREFtQmdOVkJBTVRIMlJ2WTJ0bGNpNWpiMjB2CmJtOTBZWEo1TUM0ekwzTmhiWEJzWlhKbGNHOHdXVEFUQmdjcWhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVHYKMlhJWVRkSXVKNDF2OVdMcWxLT1YzdjlPcTlYS3lOWGdsUTNMQnA1YjlJRUFtTUlnTm9KdTJRNGhweldGSWZnQwo2ZEFFb09aeUdtM2xtZ0xvdVlkV296VXdNekFPQmdOVkhROEJBZjhFQkFNQ0JhQXdFd1lEVlIwbEJBd3dDZ1lJCkt3WUJCUVVIQXdNd0RBWURWUjBUQVFIL0JBSXdBREFLQmdncWhrak9QUVFEQWdOSUFEQkZBaUVBczRKSlBKR1YKRTA2T2FSNUlWZnI0aDhvbEtSVFdmNzN4dm5DUGtnWlF0a0FDSUFSUUZzMEkxOUgrdDd3U2xGSlMvSnRqUDhWZQpqekVUU2plek80YjlRL2FNCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K"}},"e97dda6e8d9b5e3774422d230c497c8e3cc8bf4d530559d517a7456037c57554":{"keytype":"ecdsa","keyval":{"private":null,"public":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETEcHuHB+KjGvmsTgicGzzvBymwrpr7hEEWzZWI7yoctAXtI/NycsL2R7y8Elo/qO2NkTQe59in+lkv+yZiq2qw=="}}},"roles":{"root":{"keyids":["a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d"],"threshold":1},"snapshot":{"keyids":["6fd86dc5beb889760ec56cefb4b29334ffbb98b2f4de05a9e40affa3688b04fa"],"threshold":1},"targets":{"keyids":["e97dda6e8d9b5e3774422d230c497c8e3cc8bf4d530559d517a7456037c57554"],"threshold":1},"timestamp":{"keyids":["15ea4d8bfa0e0b30b9f2c8ee96d58020b70e019e18a8625a7b996e3c40aa9c7a"],"threshold":1}},"version":1},"signatures":[{"keyid":"a367e24141e771fe071a669ec73d0b3edf860459c698d29b6d0793cc4a36695d","method":"ecdsa","sig":"tB9vgvQUl5oNjRK94TUSBjBdWSYU1XYmxMi6/A6mFwdak+lQnYXOQT9t41MyWw5EpSSPtv1gcPJjmcKqPhxdEw=="}]}',
    'utf8',
  ),
  targets: Buffer.from(
    '{"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2116-07-01T16:32:45.428383459-05:00","targets":{"LICENSE":{"hashes":{"sha256":"k5W6xvzLJry1XvsIPRtLD+cqHCX5WfBWwBYSCzu1amI=","sha512":"oQ+9Z23BUvcZjTgmDUPzWWfLtFHWZ+LkRPYObGHWBsQlfgsc1c7tprb/r5anoYT1IpqXFIx3zET+0EE0010Nww=="},"length":11309}},"version":2},"signatures":[{"keyid":"e97dda6e8d9b5e3774422d230c497c8e3cc8bf4d530559d517a7456037c57554","method":"ecdsa","sig":"0A8TpuAgq4VgGGePsp0uGKDh/Xpkc9G4m9vqRIe4qybsrueOAW7K3CvZeXjuzp7fFQ/EH4wYt1uTGQhi2CL9vQ=="}]}',
    'utf8',
  ),
  snapshot: Buffer.from(
    '{"signed":{"_type":"Snapshot","expires":"2116-07-01T16:32:45.42878813-05:00","meta":{"root":{"hashes":{"sha256":"hyqam/1l+n7VFJSew/o0FOOr28fC2ZUMTRACsfcA8Dk=","sha512":"4cdDQMmv3koONuF6YAiIG2CUbh48nKeOtI0Iuy9rF8i8S/02XIPZWTyhsvBcOg+TW6MkTRhNjgalNFWi2KrYFg=="},"length":2421},"targets":{"hashes":{"sha256":"KNFLtkKM+hskmTW5eQFbnAt19fKB0DjvFK55vjg77VU=","sha512":"sJuVJNk3CTUbqPlkgsiojJS4txYq5iFArD7F3QR5ItCn+/Pi4Mwl8u80VfwV4GFuIhG2Q/s5K65J/0ejF+YwtA=="},"length":539}},"version":2},"signatures":[{"keyid":"6fd86dc5beb889760ec56cefb4b29334ffbb98b2f4de05a9e40affa3688b04fa","method":"ecdsa","sig":"sSh2XZxIolQUx0spl+UQyhVx+i1qCtpZbMtlA2cbUpOYKGn5RupbYISXpyHko9D/4J4ZOGJQEbGM5AzRnAmsQg=="}]}',
    'utf8',
  ),
  timestamp: Buffer.from(
    '{"signed":{"_type":"Timestamp","expires":"2116-07-01T21:32:47.914550034Z","meta":{"snapshot":{"hashes":{"sha256":"MKlZyV0NXrJ60hOb+Lp4RZFShMnZM8AWiT36JFYaxBo=","sha512":"Sj1QqD4OnQb3xDglEGdKmGSnxapJPLyQvxxa+l7RT2yPZGjiuHCpeTVuYp2dJzbxgefPuNzs25n69ZHAk4Y77w=="},"length":687}},"version":1},"signatures":[{"keyid":"15ea4d8bfa0e0b30b9f2c8ee96d58020b70e019e18a8625a7b996e3c40aa9c7a","method":"ecdsa","sig":"SzviqcPP7dELYu78GAzH6gK0+fGEl2fa2VSqSTXRJhyujqnyUZuXj7bkjKm4Ylec6C1mhhlxUYLGdA7ZduLunw=="}]}',
    'utf8',
  ),
};
