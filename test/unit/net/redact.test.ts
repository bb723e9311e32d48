import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretParam, redactUrl } from '../../../src/core/net/redact';

void describe('redactUrl', () => {
  void it('removes userinfo and fragments and hides secret query values, keeping the rest verbatim', () => {
    assert.equal(
      redactUrl('https://user:pw@auth.example:5001/token?service=reg&scope=repository:a/b:pull,push&access_token=tok#frag'),
      'https://auth.example:5001/token?service=reg&scope=repository:a/b:pull,push&access_token=REDACTED',
    );
    assert.equal(
      redactUrl('https://s3.example/blob?X-Amz-Credential=AKIA&X-Amz-Signature=abc&X-Amz-Expires=60'),
      'https://s3.example/blob?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Expires=60',
    );
  });

  void it('leaves harmless URLs alone and never echoes unparseable input', () => {
    assert.equal(redactUrl('http://127.0.0.1:5000/v2/library/alpine/tags/list?n=100&last=3.19'), 'http://127.0.0.1:5000/v2/library/alpine/tags/list?n=100&last=3.19');
    assert.equal(redactUrl('not a url password=x'), '<invalid URL>');
  });

  void it('classifies parameter names case-insensitively', () => {
    for (const name of ['token', 'Access_Token', 'refresh_token', 'password', 'client_secret', 'sig', 'api-key']) assert.equal(isSecretParam(name), true, name);
    for (const name of ['service', 'scope', 'n', 'last', 'account', 'digest']) assert.equal(isSecretParam(name), false, name);
  });
});
