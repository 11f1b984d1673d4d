export * from './url-signer';
