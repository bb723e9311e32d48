import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { credentialServerAddress, hostnameOf, isLoopbackHost, normalizeRegistryKey } from '../../../src/core/net/registryHost';

void describe('registry host normalisation', () => {
  void it('folds docker key spellings into a host, with Docker Hub aliases as docker.io', () => {
    const cases: [string, string][] = [
      ['https://index.docker.io/v1/', 'docker.io'],
      ['index.docker.io', 'docker.io'],
      ['registry-1.docker.io', 'docker.io'],
      ['docker.io', 'docker.io'],
      ['myreg:5000', 'myreg:5000'],
      ['https://myreg:5000', 'myreg:5000'],
      ['http://myreg:5000/v1/', 'myreg:5000'],
      ['HTTPS://MyReg.Example.com/v2/', 'myreg.example.com'],
      [' 127.0.0.1:5000 ', '127.0.0.1:5000'],
    ];
    for (const [key, host] of cases) assert.equal(normalizeRegistryKey(key), host, key);
  });

  void it('hands helpers the Hub server address and other hosts as written', () => {
    assert.equal(credentialServerAddress('docker.io'), 'https://index.docker.io/v1/');
    assert.equal(credentialServerAddress('index.docker.io'), 'https://index.docker.io/v1/');
    assert.equal(credentialServerAddress('https://myreg:5000'), 'myreg:5000');
  });

  void it('recognises loopback hosts only', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000', '::1']) assert.equal(isLoopbackHost(host), true, host);
    for (const host of ['127.0.0.1.evil.example', 'localhost.example', '10.0.0.1:5000', 'docker.io']) assert.equal(isLoopbackHost(host), false, host);
  });

  void it('takes the host name without the port', () => {
    assert.equal(hostnameOf('Auth.Example.com:5001'), 'auth.example.com');
    assert.equal(hostnameOf('[::1]:5000'), '[::1]');
  });
});
